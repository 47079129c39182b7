// Command handmade turns the text form of a hand-built legacy Go execution
// trace (headers "go 1.11 trace", "go 1.19 trace", "go 1.21 trace", or any
// other header for error cases) into the bytes of a trace file.
//
// Usage:
//
//	handmade [-list] IN.txt OUT.trace
//
// The text form is described in testdata/handmade/README.md: one record per
// line, named like the record types of the legacy format, with named values.
// With -list, every record is also printed to stdout with its file offset and
// its bytes in hex, next to the line it came from.
//
// Standard library only; written for this repository (no code taken from Go).
package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// spec describes an ordinary event: its record type number, the names of its
// values after the timestamp delta (in wire order), and whether a stack ID
// follows them (written last, named "stack").
type spec struct {
	typ   byte
	args  []string
	stack bool
}

// Ordinary events of the legacy format (types 4-49, except 35 TimerGoroutine
// and 37 String, which have their own syntax).
var specs = map[string]spec{
	"Gomaxprocs":        {4, []string{"procs"}, true},
	"ProcStart":         {5, []string{"thread"}, false},
	"ProcStop":          {6, nil, false},
	"GCStart":           {7, []string{"seq"}, true},
	"GCDone":            {8, nil, false},
	"STWStart":          {9, []string{"kind"}, false},
	"STWDone":           {10, nil, false},
	"GCSweepStart":      {11, nil, true},
	"GCSweepDone":       {12, []string{"swept", "reclaimed"}, false},
	"GoCreate":          {13, []string{"g", "newstack"}, true},
	"GoStart":           {14, []string{"g", "seq"}, false},
	"GoEnd":             {15, nil, false},
	"GoStop":            {16, nil, true},
	"GoSched":           {17, nil, true},
	"GoPreempt":         {18, nil, true},
	"GoSleep":           {19, nil, true},
	"GoBlock":           {20, nil, true},
	"GoUnblock":         {21, []string{"g", "seq"}, true},
	"GoBlockSend":       {22, nil, true},
	"GoBlockRecv":       {23, nil, true},
	"GoBlockSelect":     {24, nil, true},
	"GoBlockSync":       {25, nil, true},
	"GoBlockCond":       {26, nil, true},
	"GoBlockNet":        {27, nil, true},
	"GoSysCall":         {28, nil, true},
	"GoSysExit":         {29, []string{"g", "seq", "exit"}, false},
	"GoSysBlock":        {30, nil, false},
	"GoWaiting":         {31, []string{"g"}, false},
	"GoInSyscall":       {32, []string{"g"}, false},
	"HeapAlloc":         {33, []string{"mem"}, false},
	"HeapGoal":          {34, []string{"mem"}, false},
	"FutileWakeup":      {36, nil, false},
	"GoStartLocal":      {38, []string{"g"}, false},
	"GoUnblockLocal":    {39, []string{"g"}, true},
	"GoSysExitLocal":    {40, []string{"g", "exit"}, false},
	"GoStartLabel":      {41, []string{"g", "seq", "label"}, false},
	"GoBlockGC":         {42, nil, true},
	"GCMarkAssistStart": {43, nil, true},
	"GCMarkAssistDone":  {44, nil, false},
	"UserTaskCreate":    {45, []string{"task", "parent", "name"}, true},
	"UserTaskEnd":       {46, []string{"task"}, true},
	"UserRegion":        {47, []string{"task", "mode", "name"}, true},
	"UserLog":           {48, []string{"task", "category"}, true}, // plus msg="..." after the length-prefixed part
	"CPUSample":         {49, []string{"time", "p", "g"}, true},
}

type converter struct {
	out      bytes.Buffer
	lastTs   int64 // absolute tick time of the previous event of the current batch (or of the batch header)
	sawHead  bool
	list     bool
	lineNo   int
	lineText string
}

func main() {
	list := flag.Bool("list", false, "print every record with its offset and bytes")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: handmade [-list] IN.txt OUT.trace")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	src, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c := &converter{list: *list}
	if err := c.convert(src); err != nil {
		fmt.Fprintf(os.Stderr, "%s:%d: %v\n", flag.Arg(0), c.lineNo, err)
		os.Exit(1)
	}
	if err := os.WriteFile(flag.Arg(1), c.out.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func (c *converter) convert(src []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		c.lineNo++
		c.lineText = strings.TrimSpace(sc.Text())
		toks, err := tokenize(sc.Text())
		if err != nil {
			return err
		}
		if len(toks) == 0 {
			continue
		}
		start := c.out.Len()
		if err := c.record(toks); err != nil {
			return err
		}
		if c.list {
			fmt.Printf("%06x  %-40s  %s\n", start, hex.EncodeToString(c.out.Bytes()[start:]), c.lineText)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !c.sawHead {
		return fmt.Errorf("no header line")
	}
	return nil
}

// tokenize splits a line into words, honouring Go-syntax double-quoted
// strings (which may follow "key=") and dropping a '#' comment.
func tokenize(line string) ([]string, error) {
	var toks []string
	i := 0
	for i < len(line) {
		ch := line[i]
		if ch == ' ' || ch == '\t' {
			i++
			continue
		}
		if ch == '#' {
			break
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			if line[j] == '"' {
				// Find the closing quote, skipping escapes.
				k := j + 1
				for k < len(line) && line[k] != '"' {
					if line[k] == '\\' {
						k++
					}
					k++
				}
				if k >= len(line) {
					return nil, fmt.Errorf("unterminated string")
				}
				j = k + 1
				continue
			}
			j++
		}
		toks = append(toks, line[i:j])
		i = j
	}
	return toks, nil
}

// fields parses key=value words. Bare words (no '=') are returned separately.
func fields(words []string) (map[string]string, []string, error) {
	kv := map[string]string{}
	var bare []string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			bare = append(bare, w)
			continue
		}
		if _, dup := kv[k]; dup && k != "frame" {
			return nil, nil, fmt.Errorf("%s= given twice", k)
		}
		if k == "frame" {
			kv[k] += v + " "
		} else {
			kv[k] = v
		}
	}
	return kv, bare, nil
}

// number parses a decimal or 0x-prefixed integer; negative values are stored
// as their 64-bit two's complement (so p=-1 is 2^64-1).
func number(s string) (uint64, error) {
	if strings.HasPrefix(s, "-") {
		v, err := strconv.ParseInt(s, 0, 64)
		return uint64(v), err
	}
	return strconv.ParseUint(s, 0, 64)
}

func take(kv map[string]string, key string) (uint64, error) {
	s, ok := kv[key]
	if !ok {
		return 0, fmt.Errorf("missing %s=", key)
	}
	delete(kv, key)
	v, err := number(s)
	if err != nil {
		return 0, fmt.Errorf("%s=%s: %v", key, s, err)
	}
	return v, nil
}

func noMore(kv map[string]string, bare []string) error {
	for k := range kv {
		return fmt.Errorf("unknown value %s=", k)
	}
	if len(bare) > 0 {
		return fmt.Errorf("unexpected word %q", bare[0])
	}
	return nil
}

func uvarint(buf *bytes.Buffer, v uint64) {
	for v >= 0x80 {
		buf.WriteByte(byte(v) | 0x80)
		v >>= 7
	}
	buf.WriteByte(byte(v))
}

// wideUvarint writes v as a fixed 10-byte varint, as Go 1.21 does for the
// length of stack records.
func wideUvarint(buf *bytes.Buffer, v uint64) {
	for i := 0; i < 9; i++ {
		buf.WriteByte(byte(v&0x7f) | 0x80)
		v >>= 7
	}
	buf.WriteByte(byte(v))
}

func (c *converter) record(toks []string) error {
	name := toks[0]
	if !c.sawHead {
		if name != "header" {
			return fmt.Errorf("the first line must be the header")
		}
	}
	switch name {
	case "header":
		return c.header(toks[1:])
	case "Bytes":
		for _, w := range toks[1:] {
			b, err := hex.DecodeString(strings.TrimPrefix(w, "0x"))
			if err != nil {
				return fmt.Errorf("Bytes: %v", err)
			}
			c.out.Write(b)
		}
		return nil
	}
	kv, bare, err := fields(toks[1:])
	if err != nil {
		return err
	}
	switch name {
	case "Batch":
		p, err := take(kv, "p")
		if err != nil {
			return err
		}
		ticks, err := take(kv, "ticks")
		if err != nil {
			return err
		}
		if err := noMore(kv, bare); err != nil {
			return err
		}
		c.out.WriteByte(1 | 1<<6)
		uvarint(&c.out, p)
		uvarint(&c.out, ticks)
		c.lastTs = int64(ticks)
		return nil
	case "Frequency":
		f, err := take(kv, "freq")
		if err != nil {
			return err
		}
		if err := noMore(kv, bare); err != nil {
			return err
		}
		c.out.WriteByte(2)
		uvarint(&c.out, f)
		return nil
	case "TimerGoroutine":
		g, err := take(kv, "g")
		if err != nil {
			return err
		}
		if err := noMore(kv, bare); err != nil {
			return err
		}
		c.out.WriteByte(35)
		uvarint(&c.out, g)
		return nil
	case "String":
		id, err := take(kv, "id")
		if err != nil {
			return err
		}
		if len(bare) != 1 {
			return fmt.Errorf("String needs one quoted text")
		}
		text, err := strconv.Unquote(bare[0])
		if err != nil {
			return fmt.Errorf("String text %s: %v", bare[0], err)
		}
		if err := noMore(kv, nil); err != nil {
			return err
		}
		c.out.WriteByte(37)
		uvarint(&c.out, id)
		uvarint(&c.out, uint64(len(text)))
		c.out.WriteString(text)
		return nil
	case "Stack":
		return c.stackRecord(kv, bare)
	case "Raw":
		return c.raw(kv, bare)
	}
	sp, ok := specs[name]
	if !ok {
		return fmt.Errorf("unknown record %q", name)
	}
	return c.event(name, sp, kv, bare)
}

func (c *converter) header(words []string) error {
	if c.sawHead {
		return fmt.Errorf("second header line")
	}
	c.sawHead = true
	if len(words) != 2 || words[0] != "go" || !strings.HasPrefix(words[1], "1.") {
		return fmt.Errorf(`header must read "header go 1.N"`)
	}
	h := "go " + words[1] + " trace"
	if len(h) > 16 {
		return fmt.Errorf("header too long")
	}
	c.out.WriteString(h)
	c.out.Write(make([]byte, 16-len(h)))
	return nil
}

// stackRecord writes "Stack id=N frame=PC,FUNC,FILE,LINE ... [widelen]".
func (c *converter) stackRecord(kv map[string]string, bare []string) error {
	id, err := take(kv, "id")
	if err != nil {
		return err
	}
	var frames [][4]uint64
	if fr, ok := kv["frame"]; ok {
		delete(kv, "frame")
		for _, f := range strings.Fields(fr) {
			parts := strings.Split(f, ",")
			if len(parts) != 4 {
				return fmt.Errorf("frame=%s: want PC,FUNC,FILE,LINE", f)
			}
			var v [4]uint64
			for i, s := range parts {
				if v[i], err = number(s); err != nil {
					return fmt.Errorf("frame=%s: %v", f, err)
				}
			}
			frames = append(frames, v)
		}
	}
	wide := false
	var rest []string
	for _, b := range bare {
		if b == "widelen" {
			wide = true
		} else {
			rest = append(rest, b)
		}
	}
	if err := noMore(kv, rest); err != nil {
		return err
	}
	var body bytes.Buffer
	uvarint(&body, id)
	uvarint(&body, uint64(len(frames)))
	for _, f := range frames {
		for _, v := range f {
			uvarint(&body, v)
		}
	}
	c.out.WriteByte(3 | 3<<6)
	if wide {
		wideUvarint(&c.out, uint64(body.Len()))
	} else {
		uvarint(&c.out, uint64(body.Len()))
	}
	c.out.Write(body.Bytes())
	return nil
}

// raw writes "Raw type=N c=C vals=V1,V2,..." literally: the header byte
// N|C<<6, then the values as varints, length-prefixed when C is 3. No
// timestamp bookkeeping is done.
func (c *converter) raw(kv map[string]string, bare []string) error {
	typ, err := take(kv, "type")
	if err != nil {
		return err
	}
	cc, err := take(kv, "c")
	if err != nil {
		return err
	}
	if typ > 63 || cc > 3 {
		return fmt.Errorf("type must be < 64 and c < 4")
	}
	var body bytes.Buffer
	if s, ok := kv["vals"]; ok {
		delete(kv, "vals")
		for _, w := range strings.Split(s, ",") {
			v, err := number(w)
			if err != nil {
				return fmt.Errorf("vals: %v", err)
			}
			uvarint(&body, v)
		}
	}
	if err := noMore(kv, bare); err != nil {
		return err
	}
	c.out.WriteByte(byte(typ) | byte(cc)<<6)
	if cc == 3 {
		uvarint(&c.out, uint64(body.Len()))
	}
	c.out.Write(body.Bytes())
	return nil
}

// event writes an ordinary event: the time as t=ABS (absolute ticks; the delta
// from the previous event of the batch is computed) or dt=N (the delta as
// written), then the named values, then stack=N (default 0) if the type has a
// stack.
func (c *converter) event(name string, sp spec, kv map[string]string, bare []string) error {
	// Before the first Batch line (only in error cases) the time base is 0.
	var dt uint64
	_, hasT := kv["t"]
	_, hasDt := kv["dt"]
	switch {
	case hasT && hasDt:
		return fmt.Errorf("give t= or dt=, not both")
	case hasT:
		s := kv["t"]
		delete(kv, "t")
		t, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return fmt.Errorf("t=%s: %v", s, err)
		}
		dt = uint64(t - c.lastTs) // wraps when time goes backwards, as Go 1.11-1.20 runtimes did
		c.lastTs = t
	case hasDt:
		v, err := take(kv, "dt")
		if err != nil {
			return err
		}
		dt = v
		c.lastTs += int64(v)
	default:
		return fmt.Errorf("%s needs t= or dt=", name)
	}
	vals := []uint64{dt}
	for _, a := range sp.args {
		v, err := take(kv, a)
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		vals = append(vals, v)
	}
	if sp.stack {
		if _, ok := kv["stack"]; ok {
			v, err := take(kv, "stack")
			if err != nil {
				return err
			}
			vals = append(vals, v)
		} else {
			vals = append(vals, 0)
		}
	}
	var msg *string
	if name == "UserLog" {
		s, ok := kv["msg"]
		if !ok {
			return fmt.Errorf("UserLog: missing msg=")
		}
		delete(kv, "msg")
		m, err := strconv.Unquote(s)
		if err != nil {
			return fmt.Errorf("msg=%s: %v", s, err)
		}
		msg = &m
	}
	if err := noMore(kv, bare); err != nil {
		return err
	}
	n := len(vals) - 1 // values after the delta
	if n < 3 && msg == nil {
		c.out.WriteByte(sp.typ | byte(n)<<6)
		for _, v := range vals {
			uvarint(&c.out, v)
		}
	} else {
		var body bytes.Buffer
		for _, v := range vals {
			uvarint(&body, v)
		}
		c.out.WriteByte(sp.typ | 3<<6)
		uvarint(&c.out, uint64(body.Len()))
		c.out.Write(body.Bytes())
	}
	if msg != nil {
		uvarint(&c.out, uint64(len(*msg)))
		c.out.WriteString(*msg)
	}
	return nil
}
