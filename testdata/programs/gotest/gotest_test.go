package gotest

import (
	"context"
	"runtime/trace"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestCounterContention(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				c.Add(1)
			}
		}()
	}
	wg.Wait()
	if got := c.Value(); got != 800 {
		t.Fatalf("counter = %d, want 800", got)
	}
	time.Sleep(25 * time.Millisecond)
}

func TestPipeline(t *testing.T) {
	Annotated(context.Background(), "pipeline-test", func(ctx context.Context) {
		for round := 0; round < 3; round++ {
			var got int
			trace.WithRegion(ctx, "pipeline-round", func() { got = Pipeline(100) })
			if want := 100 * 101 / 2; got != want {
				t.Fatalf("round %d: sum = %d, want %d", round, got, want)
			}
			trace.Logf(ctx, "round", "%d done", round)
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestSubtests(t *testing.T) {
	for _, n := range []int{10, 50} {
		n := n
		t.Run("n="+strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			if got, want := Pipeline(n), n*(n+1)/2; got != want {
				t.Fatalf("sum = %d, want %d", got, want)
			}
			time.Sleep(5 * time.Millisecond)
		})
	}
}
