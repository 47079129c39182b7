module gotrace.test/blocking

go 1.19
