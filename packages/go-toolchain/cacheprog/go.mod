module warren.dev/gocacheprog

go 1.24
