module gotrace.test/damage

go 1.19
