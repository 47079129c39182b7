module gotrace.test/handmade

go 1.19
