module gotrace.test/netio

go 1.19
