// Command allocfree writes an execution trace with the AllocFree experiment
// (GODEBUG=traceallocfree=1, Go 1.23+): heap span, object and goroutine-stack
// allocation and free events, in experimental batches and events. The work is
// small and fixed: a few goroutines allocate objects of several size classes,
// grow their stacks by recursion, drop everything and force GCs so frees appear.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

type node struct {
	next *node
	pad  [48]byte
}

var sink []any

//go:noinline
func deep(n int) int {
	var buf [256]byte
	buf[n%len(buf)] = byte(n)
	if n == 0 {
		return int(buf[0])
	}
	return deep(n-1) + int(buf[n%len(buf)])
}

func allocator(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	var keep []any
	for round := 0; round < 3; round++ {
		var head *node
		for i := 0; i < 200; i++ {
			head = &node{next: head}
		}
		keep = append(keep, head, make([]byte, 4096*(id+1)), make([]int64, 64), fmt.Sprint(id, round))
		_ = deep(200 + 100*id)
		time.Sleep(2 * time.Millisecond)
	}
	sink = append(sink, len(keep))
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: allocfree OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go allocator(i, &wg)
	}
	wg.Wait()
	sink = nil
	runtime.GC()
	time.Sleep(25 * time.Millisecond)
	runtime.GC()
	time.Sleep(25 * time.Millisecond)
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
