// Command gcheavy writes an execution trace (to the path in os.Args[1]) of a
// program that allocates heavily from several goroutines with a small GOGC,
// so the trace contains many GC cycles, sweeping, mark assists and heap
// metrics. CPU profiling (to io.Discard) runs during the trace while other
// goroutines burn CPU, so the trace also contains CPU samples
// (StackSample events).
//
// Work amounts are fixed, so the program always terminates.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"time"
)

// node is a small heap object; chains of nodes keep part of the heap live so
// that marking has real work to do.
type node struct {
	next    *node
	payload [6]uint64
}

// sink keeps results reachable so the compiler cannot drop the work.
var sink struct {
	mu    sync.Mutex
	total uint64
}

// allocator builds and drops linked lists and byte slices. It retains a
// rotating window of lists, so the live heap stays non-trivial while the
// allocation rate is high: background marking cannot keep up and the
// goroutine is drafted into mark assists.
func allocator(id, rounds int, wg *sync.WaitGroup) {
	defer wg.Done()
	const window = 64
	var keep [window]*node
	var bufs [window][]byte
	var sum uint64
	for r := 0; r < rounds; r++ {
		var head *node
		for i := 0; i < 400; i++ {
			head = &node{next: head}
			head.payload[0] = uint64(i + id)
		}
		keep[r%window] = head
		bufs[r%window] = make([]byte, 512+(r%7)*256)
		for n := head; n != nil; n = n.next {
			sum += n.payload[0]
		}
		if r%50 == 0 {
			// Let the other goroutines and the GC workers interleave.
			time.Sleep(time.Millisecond)
		}
	}
	sink.mu.Lock()
	sink.total += sum + uint64(len(bufs[0]))
	sink.mu.Unlock()
}

// cpuBurner spins in pure arithmetic so the CPU profiler samples it.
//
//go:noinline
func cpuBurner(iters int, wg *sync.WaitGroup) {
	defer wg.Done()
	x := uint64(88172645463325252)
	for i := 0; i < iters; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	sink.mu.Lock()
	sink.total += x
	sink.mu.Unlock()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gcheavy OUTPUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.GOMAXPROCS(2)
	debug.SetGCPercent(25)

	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	// Phase 1: two CPU burners keep both Ps busy; the profiler samples them.
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go cpuBurner(50_000_000, &wg)
	}
	wg.Wait()

	// Phase 2: several allocating goroutines on a single P. With more Ps,
	// the background sweeper (Go 1.25+) busy-waits for concurrent sweepers
	// by calling Gosched in a loop whenever no P is idle, which floods the
	// trace with tens of thousands of GoStop events in some runs.
	runtime.GOMAXPROCS(1)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go allocator(i, 200, &wg)
	}
	wg.Wait()
	runtime.GOMAXPROCS(2)

	trace.Stop()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
