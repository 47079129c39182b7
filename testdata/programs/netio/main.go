// Command netio writes an execution trace (to the path in os.Args[1]) of a
// program doing I/O: a TCP echo server and client on 127.0.0.1 exchanging
// messages (blocking reads park in the network poller, Reason="network"), an
// os.Pipe reader and writer (pipes are pollable on Linux, so also
// "network"), and file writes, reads and fsyncs in a temporary directory
// (system calls). No subprocesses are started.
//
// Message counts are fixed, so the program always terminates; the pauses only
// spread the activity over several trace generations.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

const (
	tcpRounds  = 60
	pipeRounds = 40
	fileRounds = 12
)

// tcpServer accepts one connection and echoes every line back.
func tcpServer(ln net.Listener, wg *sync.WaitGroup) {
	defer wg.Done()
	conn, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n') // BLOCKS: network: -pprof=net, group main.tcpServer
		if err == io.EOF {
			return
		}
		if err != nil {
			panic(err)
		}
		if _, err := conn.Write([]byte(line)); err != nil {
			panic(err)
		}
	}
}

// tcpClient sends lines to the server and waits for each echo; between
// messages it pauses, so the server's read blocks in the poller.
func tcpClient(addr string, wg *sync.WaitGroup) {
	defer wg.Done()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		panic(err)
	}
	r := bufio.NewReader(conn)
	for i := 0; i < tcpRounds; i++ {
		msg := fmt.Sprintf("message %d from the client\n", i)
		if _, err := conn.Write([]byte(msg)); err != nil {
			panic(err)
		}
		reply, err := r.ReadString('\n') // BLOCKS: network: -pprof=net, group main.tcpClient
		if err != nil {
			panic(err)
		}
		if reply != msg {
			panic("echo mismatch")
		}
		if i%3 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	conn.Close()
}

// pipeReader reads fixed-size records from the read end of an os.Pipe.
func pipeReader(r *os.File, wg *sync.WaitGroup) {
	defer wg.Done()
	buf := make([]byte, 64)
	total := 0
	for {
		n, err := r.Read(buf) // BLOCKS: network (pipe): -pprof=net, group main.pipeReader
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
	}
	r.Close()
	if total != pipeRounds*64 {
		panic("short pipe read")
	}
}

// pipeWriter writes records into the pipe with pauses in between.
func pipeWriter(w *os.File, wg *sync.WaitGroup) {
	defer wg.Done()
	rec := make([]byte, 64)
	for i := 0; i < pipeRounds; i++ {
		for j := range rec {
			rec[j] = byte(i + j)
		}
		if _, err := w.Write(rec); err != nil {
			panic(err)
		}
		time.Sleep(1500 * time.Microsecond)
	}
	w.Close()
}

// fileWorker writes, syncs and reads back files in dir (blocking syscalls).
func fileWorker(dir string, id int, wg *sync.WaitGroup) {
	defer wg.Done()
	data := make([]byte, 32<<10)
	for i := range data {
		data[i] = byte(i * 7)
	}
	back := make([]byte, len(data))
	for i := 0; i < fileRounds; i++ {
		name := filepath.Join(dir, fmt.Sprintf("worker%d-file%d.bin", id, i))
		f, err := os.Create(name)
		if err != nil {
			panic(err)
		}
		if _, err := f.Write(data); err != nil {
			panic(err)
		}
		if err := f.Sync(); err != nil { // BLOCKS: fsync: -pprof=syscall, group main.fileWorker
			panic(err)
		}
		if err := f.Close(); err != nil {
			panic(err)
		}
		if err := readBack(name, back); err != nil {
			panic(err)
		}
		if err := os.Remove(name); err != nil {
			panic(err)
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// readBack reads exactly len(buf) bytes of the named file into buf (reusing
// the buffer keeps the garbage collector quiet).
func readBack(name string, buf []byte) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.ReadFull(f, buf)
	return err
}

func run() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()

	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "netio-trace-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var wg sync.WaitGroup
	wg.Add(6)
	go tcpServer(ln, &wg)
	go tcpClient(ln.Addr().String(), &wg)
	go pipeReader(pr, &wg)
	go pipeWriter(pw, &wg)
	go fileWorker(dir, 1, &wg)
	go fileWorker(dir, 2, &wg)
	wg.Wait()
	return nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: netio OUTPUT.trace")
		os.Exit(2)
	}
	out, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.GOMAXPROCS(2)
	if err := trace.Start(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = run()
	trace.Stop()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
