// Command manyg writes an execution trace of a program that starts millions of short goroutines: each sends one
// value on a buffered channel and exits, in rounds of 1,000. It is the worst case for per-goroutine state in a trace
// reader (the summaries of Go's goroutine pages, the blocking profiles' lifetimes, the timeline's goroutine rows).
//
//	go run . -d 5s -o manyg.trace    # Go 1.27: about 93 MiB and 4.9 M goroutines on the development machine
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

func main() {
	dur := flag.Duration("d", 5*time.Second, "how long to trace")
	out := flag.String("o", "manyg.trace", "output trace file")
	round := flag.Int("round", 1000, "goroutines started per round (each round waits for all of its values)")
	flag.Parse()

	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "manyg:", err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, "manyg:", err)
		os.Exit(1)
	}
	ch := make(chan int, *round)
	var wg sync.WaitGroup
	n := 0
	for deadline := time.Now().Add(*dur); time.Now().Before(deadline); {
		for i := 0; i < *round; i++ {
			wg.Add(1)
			go func(v int) {
				defer wg.Done()
				ch <- v
			}(n)
			n++
		}
		for i := 0; i < *round; i++ {
			<-ch
		}
	}
	wg.Wait()
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "manyg:", err)
		os.Exit(1)
	}
	st, _ := os.Stat(*out)
	fmt.Printf("manyg: %s: %.1f MB, %d goroutines in %v\n", *out, float64(st.Size())/1e6, n, *dur)
}
