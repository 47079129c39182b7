module gotrace.test/manyg

go 1.21
