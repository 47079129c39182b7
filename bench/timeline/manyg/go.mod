module manyg

go 1.21
