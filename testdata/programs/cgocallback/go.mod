module gotrace.test/cgocallback

go 1.19
