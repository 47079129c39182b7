module gotrace.test/gotest

go 1.19
