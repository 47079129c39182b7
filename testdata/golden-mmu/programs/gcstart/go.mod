module gotrace.test/gcstart

go 1.22
