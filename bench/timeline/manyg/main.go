// Command manyg traces a program that creates many short-lived goroutines (one per "request", 1000 at a time),
// the workload where per-goroutine overhead decides the size of a timeline index:
//
//	go run . -d 5s -o manyg.trace    (about 90 MB and 5 M goroutines on an idle 2-core machine)
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"time"
)

var sink uint64

func handle(i int, wg *sync.WaitGroup, out chan<- int) {
	defer wg.Done()
	x := uint64(i)
	for k := 0; k < 200; k++ {
		x = x*6364136223846793005 + 1
	}
	if i%4 == 0 {
		out <- int(x & 1)
	}
}

func main() {
	d := flag.Duration("d", 5*time.Second, "duration")
	o := flag.String("o", "manyg.trace", "output")
	flag.Parse()
	f, _ := os.Create(*o)
	trace.Start(f)
	out := make(chan int, 1024)
	go func() {
		for v := range out {
			sink += uint64(v)
		}
	}()
	end := time.Now().Add(*d)
	n := 0
	for time.Now().Before(end) {
		var wg sync.WaitGroup
		for j := 0; j < 1000; j++ {
			wg.Add(1)
			go handle(n, &wg, out)
			n++
		}
		wg.Wait()
	}
	trace.Stop()
	f.Close()
	fmt.Println("goroutines", n)
}
