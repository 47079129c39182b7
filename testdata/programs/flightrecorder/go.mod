module gotrace.test/flightrecorder

go 1.19
