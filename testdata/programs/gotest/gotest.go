// Package gotest is a small library whose tests are run with
// `go test -trace=FILE` to capture a trace written by the testing package
// rather than by the program itself.
package gotest

import (
	"context"
	"runtime/trace"
	"sync"
	"time"
)

// Counter is a mutex-protected counter shared by several goroutines.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Add increments the counter by d while holding the lock for a moment.
func (c *Counter) Add(d int) {
	c.mu.Lock()
	c.n += d
	spin(3000)
	c.mu.Unlock()
}

// Value returns the current count.
func (c *Counter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

var sinkValue int

//go:noinline
func spin(n int) {
	x := sinkValue
	for i := 0; i < n; i++ {
		x = x*17 + i
	}
	sinkValue = x
}

// Pipeline sends 0..n-1 through two unbuffered channel stages (each adding
// one) and returns the sum of what comes out.
func Pipeline(n int) int {
	src := make(chan int)
	mid := make(chan int)
	go pipelineSource(src, n)
	go pipelineStage(src, mid)
	sum := 0
	for v := range mid {
		sum += v
	}
	return sum
}

func pipelineSource(out chan<- int, n int) {
	for i := 0; i < n; i++ {
		out <- i
	}
	close(out)
}

func pipelineStage(in <-chan int, out chan<- int) {
	for v := range in {
		if v%8 == 0 {
			time.Sleep(100 * time.Microsecond)
		}
		out <- v + 1
	}
	close(out)
}

// Annotated runs fn inside a task named name and a region "body".
func Annotated(ctx context.Context, name string, fn func(context.Context)) {
	ctx, task := trace.NewTask(ctx, name)
	defer task.End()
	trace.Log(ctx, "phase", "start")
	trace.WithRegion(ctx, "body", func() { fn(ctx) })
	trace.Log(ctx, "phase", "end")
}
