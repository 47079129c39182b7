// Command gcstart writes an execution trace (to the path in os.Args[1]) that begins while the garbage
// collector is busy: allocating goroutines run before trace.Start, so that when the trace starts some P is
// likely sweeping and some goroutine is likely in a mark assist. The reader then reports those as RangeActive
// events in the first generation, which the MMU computation back-dates to the trace start
// (testdata/tools/capture-mmu.sh keeps only runs where that happened). GC workers run several times, and
// GOMAXPROCS changes once, so the background-worker and per-P paths are exercised too.
//
// Work amounts are fixed, so the program always terminates. An optional second argument (a duration, e.g. 3s)
// keeps tracing that much longer, for a large GC-heavy trace to time the MMU computation on.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

type node struct {
	next    *node
	payload [6]uint64
}

var sink atomic.Uint64

// churn allocates linked lists and keeps a rotating window of them live until stop is set.
func churn(id int, stop *atomic.Bool, wg *sync.WaitGroup) {
	defer wg.Done()
	const window = 128
	var keep [window]*node
	var sum uint64
	for r := 0; !stop.Load(); r++ {
		var head *node
		for i := 0; i < 300; i++ {
			head = &node{next: head}
			head.payload[0] = uint64(i + id)
		}
		keep[r%window] = head
		sum += head.payload[0]
	}
	sink.Add(sum)
}

func main() {
	if len(os.Args) != 2 && len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gcstart OUTPUT [EXTRA-DURATION]")
		os.Exit(2)
	}
	var extra time.Duration
	if len(os.Args) == 3 {
		d, err := time.ParseDuration(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "gcstart:", err)
			os.Exit(2)
		}
		extra = d
	}
	runtime.GOMAXPROCS(2)
	debug.SetGCPercent(10)
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go churn(i, &stop, &wg)
	}
	time.Sleep(20 * time.Millisecond) // GC cycles are running when the trace starts
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	time.Sleep(4 * time.Millisecond)
	runtime.GOMAXPROCS(1)
	time.Sleep(3 * time.Millisecond)
	runtime.GOMAXPROCS(2)
	time.Sleep(4*time.Millisecond + extra)
	stop.Store(true)
	wg.Wait()
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
