//go:build !go1.23

// Command iterpull needs package iter (Go 1.23); with older toolchains it
// only reports that, so the module still builds.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "iterpull: needs Go 1.23 or newer (package iter)")
	os.Exit(3)
}
