module gotrace.test/lifecycle

go 1.19
