// Command cgocallback writes an execution trace (to the path in os.Args[1])
// in which threads created by C (pthread_create) call back into Go. Each
// callback on such a thread makes the runtime create a goroutine in the
// syscall state (GoCreateSyscall, NotExist->Syscall in the parsed trace) and
// destroy it again when the C thread returns (GoDestroySyscall,
// Syscall->NotExist). Needs cgo and a C compiler.
//
// Work amounts are fixed, so the program always terminates.
package main

/*
#include <pthread.h>
#include <stdint.h>

extern void goCallback(int thread, int call);

// cThread calls back into Go several times from a thread Go did not create.
static void *cThread(void *arg) {
	int id = (int)(intptr_t)arg;
	for (int i = 0; i < 4; i++) {
		goCallback(id, i);
	}
	return NULL;
}

// runCThreads starts n C threads and waits for them all.
static int runCThreads(int n) {
	pthread_t threads[16];
	if (n > 16) {
		n = 16;
	}
	for (int i = 0; i < n; i++) {
		if (pthread_create(&threads[i], NULL, cThread, (void *)(intptr_t)i) != 0) {
			return -1;
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
	}
	return 0;
}
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	calls int
	sink  int
)

// goCallback runs on a C-created thread. It does a little work, takes a
// mutex and starts a short-lived goroutine.
//
//export goCallback
func goCallback(thread, call C.int) {
	x := 0
	for i := 0; i < 20000; i++ {
		x = x*31 + i + int(thread)
	}
	done := make(chan int)
	go func() { done <- x + int(call) }()
	v := <-done
	mu.Lock()
	calls++
	sink += v
	mu.Unlock()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cgocallback OUTPUT.trace")
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

	for round := 0; round < 5; round++ {
		if C.runCThreads(3) != 0 {
			fmt.Fprintln(os.Stderr, "pthread_create failed")
			os.Exit(1)
		}
		time.Sleep(20 * time.Millisecond)
	}

	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if calls != 5*3*4 {
		fmt.Fprintf(os.Stderr, "got %d callbacks, want %d\n", calls, 5*3*4)
		os.Exit(1)
	}
}
