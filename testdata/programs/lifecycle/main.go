// Program lifecycle writes a trace of goroutine lifecycles and blocking kinds that the other programs do not
// have: goroutines that were already blocked (in a channel receive, in a raw blocking syscall) when tracing
// started, sync.RWMutex contention, a subprocess (fork, exec, wait), a Unix-domain socket, a goroutine locked
// to its thread, runtime.Goexit, a burst of goroutines woken together by a close, a block 150 frames deep, a
// stop-the-world call, GOMAXPROCS 3 then 4, and a ticker in a select with a context deadline.
package main

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

// preBlockedChan waits on a channel from before trace.Start until the end.
func preBlockedChan(ch chan int, done *sync.WaitGroup) {
	defer done.Done()
	<-ch // no "BLOCKS" mark: the profiles skip a wait whose start is not in the trace
}

// preBlockedSyscall sits in a blocking read(2) on a pipe the netpoller does not know, from before trace.Start.
func preBlockedSyscall(fd int, done *sync.WaitGroup) {
	defer done.Done()
	buf := make([]byte, 1)
	syscall.Read(fd, buf)
}

func rwReader(rw *sync.RWMutex, shared map[int]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := 0; j < 200; j++ {
		rw.RLock() // BLOCKS: RWMutex read lock behind a writer: -pprof=sync, group main.rwReader
		_ = shared[j%16]
		rw.RUnlock()
	}
}

func rwWriter(rw *sync.RWMutex, shared map[int]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := 0; j < 20; j++ {
		rw.Lock() // BLOCKS: RWMutex write lock: -pprof=sync, group main.rwWriter
		shared[j%16] = j
		time.Sleep(50 * time.Microsecond)
		rw.Unlock()
	}
}

func rwContention() {
	var rw sync.RWMutex
	shared := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go rwWriter(&rw, shared, &wg)
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go rwReader(&rw, shared, &wg)
	}
	wg.Wait()
}

func subprocess() {
	out, _ := exec.Command("/bin/sh", "-c", "echo lifecycle").Output()
	_ = out
}

func unixEcho(l net.Listener) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	io.Copy(c, c)
	c.Close()
}

func unixClient() {
	dir, err := os.MkdirTemp("", "lifecycle")
	if err != nil {
		return
	}
	defer os.RemoveAll(dir)
	l, err := net.Listen("unix", dir+"/echo.sock")
	if err != nil {
		return
	}
	go unixEcho(l)
	c, err := net.Dial("unix", dir+"/echo.sock")
	if err != nil {
		return
	}
	buf := make([]byte, 512)
	for i := 0; i < 20; i++ {
		c.Write(buf)
		io.ReadFull(c, buf) // BLOCKS: unix socket read: -pprof=net, group main.main
	}
	c.Close()
	l.Close()
}

func lockedWorker(done chan struct{}) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	x := 0
	for i := 0; i < 1000000; i++ {
		x += i
	}
	_ = x
	time.Sleep(time.Millisecond)
	close(done)
}

func exiter(wg *sync.WaitGroup) {
	defer wg.Done()
	runtime.Goexit()
}

func burstWaiter(ch chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	<-ch // BLOCKS: woken by close with the whole burst: -pprof=sync, group main.burstWaiter
}

func burst() {
	var wg sync.WaitGroup
	ch := make(chan int)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go burstWaiter(ch, &wg)
	}
	time.Sleep(time.Millisecond)
	close(ch)
	wg.Wait()
}

// deep recurses n frames, then blocks: the stack is longer than the tracer keeps.
func deep(n int, ch chan int) int {
	if n == 0 {
		return <-ch
	}
	return deep(n-1, ch) + 1
}

func ticking(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(500 * time.Microsecond)
	defer t.Stop()
	for {
		select { // BLOCKS: ticker or deadline: -pprof=sync, group main.ticking
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// stopTheWorld stops the world for ReadMemStats. (No collections here: gcheavy has them, and sweeping after
// runtime.GC or by the background sweeper on a busy machine writes a runtime.Gosched per span, tens of
// thousands of events.)
func stopTheWorld() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
}

func main() {
	runtime.GOMAXPROCS(3)
	var pre sync.WaitGroup
	preCh := make(chan int)
	for i := 0; i < 3; i++ {
		pre.Add(1)
		go preBlockedChan(preCh, &pre)
	}
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		panic(err)
	}
	pre.Add(1)
	go preBlockedSyscall(p[0], &pre)
	time.Sleep(2 * time.Millisecond)

	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 70*time.Millisecond)
	defer cancel()
	tickDone := make(chan struct{})
	go ticking(ctx, tickDone)

	tctx, task := trace.NewTask(context.Background(), "lifecycle")
	trace.WithRegion(tctx, "rwmutex", rwContention)
	trace.Log(tctx, "step", "subprocess")
	trace.WithRegion(tctx, "subprocess", subprocess)
	unixClient()
	locked := make(chan struct{})
	go lockedWorker(locked)
	<-locked
	var ex sync.WaitGroup
	ex.Add(1)
	go exiter(&ex)
	ex.Wait()
	runtime.GOMAXPROCS(4)
	trace.WithRegion(tctx, "burst", burst)
	deepCh, deepRes := make(chan int), make(chan int)
	go func() { deepRes <- deep(150, deepCh) }()
	time.Sleep(time.Millisecond)
	deepCh <- 1
	<-deepRes
	stopTheWorld()
	close(preCh)
	syscall.Write(p[1], []byte{1})
	pre.Wait()
	task.End()
	<-tickDone
	trace.Stop()
	f.Close()
}
