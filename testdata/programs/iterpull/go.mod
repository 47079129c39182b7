module gotrace.test/iterpull

go 1.19
