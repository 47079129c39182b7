// Command blocking writes an execution trace (to the path in os.Args[1]) of a
// program whose goroutines block in every common way: mutex contention,
// unbuffered channel sends and receives, select, sync.Cond, sync.WaitGroup,
// time.Sleep and runtime.Gosched. It also creates many short-lived goroutines
// and changes GOMAXPROCS (2 -> 1 -> 2) while running.
//
// All loops have fixed iteration counts, so the program always terminates;
// the sleeps only spread the activity over several trace generations.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

// sink keeps the busy loops from being optimized away.
var sink uint64

// spin burns roughly n iterations of CPU without blocking.
//
//go:noinline
func spin(n int) {
	x := sink
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	sink = x
}

// lockContender repeatedly takes a mutex shared with other contenders and
// holds it long enough that the others have to park (Reason="sync").
func lockContender(mu *sync.Mutex, counter *int, rounds int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		mu.Lock() // BLOCKS: sync (mutex contention): -pprof=sync, group main.lockContender
		*counter++
		spin(30000)
		mu.Unlock()
		spin(2000)
	}
}

// chanSender sends on an unbuffered channel; the receiver is slower, so the
// sender blocks (Reason="chan send").
func chanSender(ch chan<- int, n int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		ch <- i // BLOCKS: chan send: -pprof=sync, group main.chanSender
	}
	close(ch)
}

// chanReceiver receives from an unbuffered channel; every few values it
// sleeps, so the sender blocks, and in between it waits for the sender
// (Reason="chan receive").
func chanReceiver(ch <-chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	n := 0
	for v := range ch { // BLOCKS: chan receive: -pprof=sync, group main.chanReceiver
		n += v
		if v%4 == 0 {
			time.Sleep(200 * time.Microsecond)
		}
	}
	sink += uint64(n)
}

// selectLoop waits in a select with several cases (Reason="select") that are
// fed by three producers at different rates.
func selectLoop(a, b, c <-chan int, done <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	var na, nb, nc int
	for {
		select { // BLOCKS: select: -pprof=sync, group main.selectLoop
		case v := <-a:
			na += v
		case v := <-b:
			nb += v
		case v := <-c:
			nc += v
		case <-done:
			sink += uint64(na + nb + nc)
			return
		}
	}
}

// selectProducer feeds one case of selectLoop.
func selectProducer(ch chan<- int, n int, pause time.Duration, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		time.Sleep(pause)
		ch <- i
	}
}

// condWaiter waits on a sync.Cond until the shared counter reaches target.
func condWaiter(mu *sync.Mutex, cond *sync.Cond, value *int, target int, wg *sync.WaitGroup) {
	defer wg.Done()
	mu.Lock()
	for *value < target {
		cond.Wait() // BLOCKS: sync.(*Cond).Wait: -pprof=sync, group main.condWaiter
	}
	mu.Unlock()
}

// condSignaler increments the shared counter and broadcasts after each step.
func condSignaler(mu *sync.Mutex, cond *sync.Cond, value *int, steps int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < steps; i++ {
		time.Sleep(500 * time.Microsecond)
		mu.Lock()
		*value++
		mu.Unlock()
		cond.Broadcast()
	}
}

// yielder calls runtime.Gosched in a loop (GoStop Reason="runtime.Gosched").
func yielder(n int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		spin(500)
		runtime.Gosched()
	}
}

// shortLived does a tiny bit of work and exits.
func shortLived(i int, results chan<- int) {
	spin(100 + i%50)
	results <- i
}

// spawner creates many short-lived goroutines in bursts.
func spawner(bursts, perBurst int, wg *sync.WaitGroup) {
	defer wg.Done()
	results := make(chan int, perBurst)
	for b := 0; b < bursts; b++ {
		for i := 0; i < perBurst; i++ {
			go shortLived(i, results)
		}
		for i := 0; i < perBurst; i++ {
			<-results
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// sleeper sleeps in small steps (Reason="sleep").
func sleeper(n int, d time.Duration, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < n; i++ {
		time.Sleep(d)
	}
}

// phase runs one round of every blocking pattern and waits for all of it with
// a sync.WaitGroup (main blocks with Reason="sync").
func phase() {
	var wg sync.WaitGroup

	var mu sync.Mutex
	counter := 0
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go lockContender(&mu, &counter, 30, &wg)
	}

	ch := make(chan int)
	wg.Add(2)
	go chanSender(ch, 40, &wg)
	go chanReceiver(ch, &wg)

	a, b, c := make(chan int), make(chan int), make(chan int)
	done := make(chan struct{})
	var producers sync.WaitGroup
	producers.Add(3)
	go selectProducer(a, 10, 300*time.Microsecond, &producers)
	go selectProducer(b, 8, 450*time.Microsecond, &producers)
	go selectProducer(c, 6, 700*time.Microsecond, &producers)
	wg.Add(1)
	go selectLoop(a, b, c, done, &wg)

	var cmu sync.Mutex
	cond := sync.NewCond(&cmu)
	value := 0
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go condWaiter(&cmu, cond, &value, 6+i, &wg)
	}
	wg.Add(1)
	go condSignaler(&cmu, cond, &value, 8, &wg)

	wg.Add(3)
	go yielder(30, &wg)
	go spawner(3, 20, &wg)
	go sleeper(10, 400*time.Microsecond, &wg)

	producers.Wait()
	close(done)
	wg.Wait()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: blocking OUTPUT.trace")
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

	// GOMAXPROCS 2 -> 1 -> 2, with a full round of activity at each setting
	// and sleeps so the phases land in different generations.
	for _, procs := range []int{2, 1, 2} {
		runtime.GOMAXPROCS(procs)
		phase()
		time.Sleep(25 * time.Millisecond)
	}

	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
