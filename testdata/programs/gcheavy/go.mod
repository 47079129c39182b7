module gotrace.test/gcheavy

go 1.19
