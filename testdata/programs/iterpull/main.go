//go:build go1.23

// Command iterpull writes an execution trace (to the path in os.Args[1]) of
// a program that consumes iterators with iter.Pull. Each Pull creates a
// coroutine goroutine (GoCreateBlocked) and every next() call switches
// directly between the consumer and the coroutine (GoSwitch, and
// GoSwitchDestroy when the iterator finishes or is stopped early).
//
// Requires Go 1.23 (package iter); see main_old.go for older toolchains.
// Work amounts are fixed, so the program always terminates.
package main

import (
	"fmt"
	"iter"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

// countTo yields 0..n-1.
func countTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

// squares yields i*i for each value of src.
func squares(src iter.Seq[int]) iter.Seq[int] {
	return func(yield func(int) bool) {
		src(func(v int) bool { return yield(v * v) })
	}
}

// pullConsumer drains a pulled iterator to the end (GoSwitchDestroy when the
// coroutine returns).
func pullConsumer(n int) int {
	next, stop := iter.Pull(squares(countTo(n)))
	defer stop()
	sum := 0
	for {
		v, ok := next()
		if !ok {
			return sum
		}
		sum += v
	}
}

// zipConsumer pulls from two iterators in lockstep and stops both early.
func zipConsumer(n int) int {
	nextA, stopA := iter.Pull(countTo(n))
	nextB, stopB := iter.Pull(squares(countTo(n)))
	defer stopA()
	defer stopB()
	sum := 0
	for i := 0; i < n/2; i++ {
		a, okA := nextA()
		b, okB := nextB()
		if !okA || !okB {
			break
		}
		sum += a * b
	}
	return sum
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: iterpull OUTPUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.GOMAXPROCS(2)
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	total := 0
	var mu sync.Mutex
	for round := 0; round < 6; round++ {
		var wg sync.WaitGroup
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				s := pullConsumer(60+g) + zipConsumer(40)
				mu.Lock()
				total += s
				mu.Unlock()
			}(g)
		}
		wg.Wait()
		time.Sleep(18 * time.Millisecond)
	}

	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if total == 0 {
		os.Exit(1)
	}
}
