//go:build go1.25

// Command flightrecorder runs a little activity under the runtime/trace
// flight recorder (Go 1.25+) and writes a snapshot of the recorder's window
// to the path in os.Args[1]. The snapshot starts at whatever generation the
// ring buffer holds, not at generation 1, and the first generations of the
// run are dropped.
//
// Requires Go 1.25 (trace.FlightRecorder); see main_old.go for older
// toolchains. Work amounts are fixed, so the program always terminates.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

var sink int

//go:noinline
func work(n int) {
	x := sink
	for i := 0; i < n; i++ {
		x = x*31 + i
	}
	sink = x
}

// pinger and ponger bounce a value over unbuffered channels.
func pinger(ping chan<- int, pong <-chan int, n int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
		if i%10 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	close(ping)
}

func ponger(ping <-chan int, pong chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for v := range ping {
		work(2000)
		pong <- v
	}
}

// worker contends for a mutex inside a region of a per-round task.
func worker(ctx context.Context, mu *sync.Mutex, shared *int, wg *sync.WaitGroup) {
	defer wg.Done()
	trace.WithRegion(ctx, "worker", func() {
		for i := 0; i < 20; i++ {
			mu.Lock()
			*shared++
			work(5000)
			mu.Unlock()
		}
	})
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: flightrecorder OUTPUT.trace")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(2)

	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{
		MinAge:   80 * time.Millisecond,
		MaxBytes: 1 << 20,
	})
	if err := fr.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	var mu sync.Mutex
	shared := 0
	for round := 0; round < 10; round++ {
		ctx, task := trace.NewTask(context.Background(), "fr-round")
		trace.Logf(ctx, "round", "%d", round)
		var wg sync.WaitGroup
		ping, pong := make(chan int), make(chan int)
		wg.Add(2)
		go pinger(ping, pong, 30, &wg)
		go ponger(ping, pong, &wg)
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go worker(ctx, &mu, &shared, &wg)
		}
		wg.Wait()
		task.End()
		time.Sleep(10 * time.Millisecond)
	}

	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := fr.WriteTo(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fr.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
