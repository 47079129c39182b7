module gotrace.test/annotations

go 1.19
