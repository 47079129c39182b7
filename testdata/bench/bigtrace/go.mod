module gotrace.test/bigtrace

go 1.21
