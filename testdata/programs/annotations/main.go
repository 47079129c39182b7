// Command annotations writes an execution trace (to the path in os.Args[1])
// full of runtime/trace user annotations: nested tasks (parent and child),
// nested regions (StartRegion and WithRegion), Log and Logf, spread over
// several goroutines. Some tasks end on a different goroutine than the one
// that created them, one task is never ended, and one region is still open
// when the trace stops.
//
// Work amounts are fixed, so the program always terminates; the sleeps only
// spread the activity over several trace generations.
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

// handleRequest runs one "request": a child task of the parent, with nested
// regions and log messages.
func handleRequest(ctx context.Context, id int, wg *sync.WaitGroup) {
	defer wg.Done()
	ctx, task := trace.NewTask(ctx, "request")
	defer task.End()
	trace.Logf(ctx, "request-id", "%d", id)

	trace.WithRegion(ctx, "decode", func() {
		work(20000)
		r := trace.StartRegion(ctx, "decode.header")
		work(5000)
		r.End()
	})

	region := trace.StartRegion(ctx, "process")
	for step := 0; step < 3; step++ {
		inner := trace.StartRegion(ctx, "process.step")
		trace.Log(ctx, "step", fmt.Sprint(step))
		work(8000)
		time.Sleep(500 * time.Microsecond)
		inner.End()
	}
	region.End()

	trace.WithRegion(ctx, "encode", func() {
		work(10000)
	})
	trace.Log(ctx, "", "request done")
}

// batchJob creates a task and hands it to a worker goroutine, which ends it:
// the task ends on a different goroutine than the one that began it.
func batchJob(ctx context.Context, id int, handoff chan<- *trace.Task, wg *sync.WaitGroup) {
	defer wg.Done()
	ctx, task := trace.NewTask(ctx, "batch")
	trace.Logf(ctx, "batch", "job %d queued", id)
	trace.WithRegion(ctx, "batch.prepare", func() { work(15000) })
	handoff <- task
}

// finisher ends the tasks it receives from batchJob goroutines.
func finisher(handoff <-chan *trace.Task, done chan<- struct{}) {
	for task := range handoff {
		work(5000)
		time.Sleep(300 * time.Microsecond)
		task.End()
	}
	close(done)
}

// lingering opens a region and then waits until after the trace has been
// stopped before ending it, so the trace contains a region that never ends.
func lingering(ctx context.Context, started chan<- struct{}, release <-chan struct{}, done chan<- struct{}) {
	r := trace.StartRegion(ctx, "still-open-at-stop")
	trace.Log(ctx, "lingering", "region opened, waiting for release")
	close(started)
	<-release
	r.End()
	close(done)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: annotations OUTPUT.trace")
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

	ctx := context.Background()
	trace.Log(ctx, "main", "no task: background log")

	// A task that is never ended.
	orphanCtx, _ := trace.NewTask(ctx, "never-ended")
	trace.Log(orphanCtx, "orphan", "this task has no end")

	lingerStarted := make(chan struct{})
	release := make(chan struct{})
	lingerDone := make(chan struct{})
	go lingering(orphanCtx, lingerStarted, release, lingerDone)
	<-lingerStarted

	for round := 0; round < 5; round++ {
		roundCtx, server := trace.NewTask(ctx, "server-round")
		trace.Logf(roundCtx, "round", "round %d", round)

		var wg sync.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go handleRequest(roundCtx, round*10+i, &wg)
		}

		handoff := make(chan *trace.Task)
		finished := make(chan struct{})
		go finisher(handoff, finished)
		var batches sync.WaitGroup
		for i := 0; i < 2; i++ {
			batches.Add(1)
			go batchJob(roundCtx, round*10+i, handoff, &batches)
		}
		batches.Wait()
		close(handoff)
		<-finished

		wg.Wait()
		server.End()
		time.Sleep(15 * time.Millisecond)
	}

	trace.Stop()
	close(release)
	<-lingerDone
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
