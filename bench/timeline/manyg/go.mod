module manyg

go 1.22
