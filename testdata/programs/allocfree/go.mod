module gotrace.test/allocfree

go 1.19
