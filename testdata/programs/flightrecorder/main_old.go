//go:build !go1.25

// Command flightrecorder needs trace.FlightRecorder (Go 1.25); with older
// toolchains it only reports that, so the module still builds.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "flightrecorder: needs Go 1.25 or newer (trace.FlightRecorder)")
	os.Exit(3)
}
