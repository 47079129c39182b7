// Command bigtrace writes a large Go execution trace for benchmarking trace readers.
//
//	go run . [-d 3s] [-o big.trace] [-pairs 100] [-mutex 8] [-work 1200] [-hold 100]
//
// The workload is -pairs goroutine pairs ping-ponging a counter over unbuffered channels.
// After each round trip the sender spins for -work iterations, and every -mutex-th round trip
// it also takes one shared sync.Mutex and spins -hold iterations inside it, so the trace holds
// channel blocks/unblocks, some mutex contention and plenty of scheduler traffic. The spin
// sets the event rate: with Go 1.27 on an idle 2-core machine, 3 s gives about 55-70 MB and
// 10-12 M events (more -work, fewer events). Sizes vary by run and drop when the machine is busy.
//
// Only APIs available in Go 1.21 are used, so the same program also writes a legacy
// ("go 1.21 trace") file when built with that toolchain.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	dur := flag.Duration("d", 3*time.Second, "how long to trace")
	out := flag.String("o", "big.trace", "output trace file")
	pairs := flag.Int("pairs", 100, "number of ping-pong goroutine pairs")
	mutexEvery := flag.Int("mutex", 8, "take the shared mutex every N round trips (0: never)")
	work := flag.Int("work", 1200, "spin iterations per round trip, outside the mutex")
	hold := flag.Int("hold", 100, "spin iterations while holding the mutex")
	size := flag.Int64("size", 0, "stop once the trace has about this many bytes (0: no limit; -d still bounds the time)")
	flag.Parse()
	if *pairs < 1 || *mutexEvery < 0 || *work < 0 || *hold < 0 {
		fmt.Fprintln(os.Stderr, "bigtrace: -pairs must be >= 1; -mutex, -work and -hold >= 0")
		os.Exit(2)
	}
	if err := run(*out, *dur, *size, *pairs, *mutexEvery, *work, *hold); err != nil {
		fmt.Fprintln(os.Stderr, "bigtrace:", err)
		os.Exit(1)
	}
}

// spin burns CPU for n iterations of a xorshift step; the result is kept so it is not optimised away.
func spin(x uint64, n int) uint64 {
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// countingWriter counts the bytes the tracer has written so far.
type countingWriter struct {
	w *bufio.Writer
	n atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return c.w.Write(p)
}

func run(path string, dur time.Duration, size int64, pairs, mutexEvery, work, hold int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := &countingWriter{w: bw}
	if err := trace.Start(w); err != nil {
		f.Close()
		return err
	}

	var (
		stop   atomic.Bool
		mu     sync.Mutex
		shared uint64
		locks  int64
		trips  atomic.Int64
		wg     sync.WaitGroup
	)
	for i := 0; i < pairs; i++ {
		ping, pong := make(chan int64), make(chan int64)
		wg.Add(2)
		go func(seed uint64) { // pinger: drives the exchange and decides when to stop
			defer wg.Done()
			defer close(ping)
			var n int64
			x := seed
			for !stop.Load() {
				ping <- n
				n = <-pong
				x = spin(x, work)
				if mutexEvery > 0 && n%int64(mutexEvery) == 0 {
					mu.Lock()
					shared = spin(shared^x, hold)
					locks++
					mu.Unlock()
				}
			}
			trips.Add(n)
		}(uint64(i)*0x9E3779B97F4A7C15 + 1)
		go func() { // ponger: echoes every value back, incremented
			defer wg.Done()
			for v := range ping {
				pong <- v + 1
			}
		}()
	}

	// The trace's size depends on how much CPU the machine gives the program: -size makes it reproducible.
	deadline := time.Now().Add(dur)
	for time.Now().Before(deadline) && (size <= 0 || w.n.Load() < size) {
		time.Sleep(10 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	trace.Stop()

	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bigtrace: %s: %.1f MB, %d round trips, %d mutex acquisitions in %v (checksum %x)\n",
		path, float64(fi.Size())/1e6, trips.Load(), locks, time.Since(deadline.Add(-dur)).Round(time.Millisecond), shared)
	return nil
}
