// Command damage writes deterministic damaged variants of a Go execution
// trace, for comparing a trace reader's behaviour with Go's own on broken
// input.
//
// Usage:
//
//	damage [-flips N] [-seed S] TRACE OUTDIR
//
// For TRACE (e.g. traces/blocking.go1.27.trace) it writes OUTDIR/<base>.<variant>
// for every variant below and prints one manifest line per variant on stdout,
// tab-separated: variant file name, source trace name, kind, offset, xor.
//
// Variants (offset = length of the truncated file, or position of the flipped
// byte):
//
//	trunc-header        only the 16-byte header
//	trunc-batch-header  inside the header of the first batch
//	trunc-batch-mid     in the middle of the first batch
//	trunc-gen-boundary  exactly at the end of the first generation (Go 1.22+
//	                    formats: after the first top-level end-of-generation
//	                    byte 0x34 in the Go 1.26 format, otherwise where the
//	                    batches' generation number first changes)
//	trunc-gen2-plus5    five bytes into the second generation (Go 1.22+)
//	trunc-batch-boundary  legacy formats (Go 1.11-1.21, which have no
//	                    generations): at the start of the second batch record
//	trunc-batch2-plus5  legacy formats: five bytes into the second batch
//	trunc-mid           in the middle of the file
//	trunc-last          one byte before the end
//	flip-0 .. flip-N-1  one byte (after the header) XORed with a non-zero
//	                    value; positions and values come from math/rand with
//	                    the fixed seed, so they are the same on every run
//	zero                an empty file
//	text                a short text file that is not a trace
//	version             the header replaced by "go 1.99 trace\0\0\0", the
//	                    rest of the trace unchanged
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const headerLen = 16

type variant struct {
	name   string
	kind   string // truncate, flip, zero, text, version
	offset int    // truncation length or flipped position; -1 if not applicable
	xor    byte   // flip only
	data   []byte
}

func main() {
	flips := flag.Int("flips", 8, "number of single-byte flips")
	seed := flag.Int64("seed", 1, "seed for the flip positions and values")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: damage [-flips N] [-seed S] TRACE OUTDIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *flips, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "damage:", err)
		os.Exit(1)
	}
}

func run(tracePath, outDir string, flips int, seed int64) error {
	data, err := os.ReadFile(tracePath)
	if err != nil {
		return err
	}
	version, err := headerVersion(data)
	if err != nil {
		return fmt.Errorf("%s: %v", tracePath, err)
	}
	var vs []variant
	if version >= 22 {
		vs, err = modernTruncations(data, version)
	} else {
		vs, err = legacyTruncations(data)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", tracePath, err)
	}
	vs = append(vs,
		truncation("trunc-mid", data, len(data)/2),
		truncation("trunc-last", data, len(data)-1),
	)
	vs = append(vs, flipVariants(data, flips, seed)...)
	vs = append(vs,
		variant{name: "zero", kind: "zero", offset: -1, data: nil},
		variant{name: "text", kind: "text", offset: -1,
			data: []byte("This is a plain text file, not a Go execution trace.\nIt is long enough to fill a header.\n")},
	)
	bad := append([]byte("go 1.99 trace\x00\x00\x00"), data[headerLen:]...)
	vs = append(vs, variant{name: "version", kind: "version", offset: 0, data: bad})

	base := filepath.Base(tracePath)
	for _, v := range vs {
		name := base + "." + v.name
		if err := os.WriteFile(filepath.Join(outDir, name), v.data, 0o644); err != nil {
			return err
		}
		offset, xor := "", ""
		if v.offset >= 0 {
			offset = strconv.Itoa(v.offset)
		}
		if v.kind == "flip" {
			xor = fmt.Sprintf("0x%02x", v.xor)
		}
		fmt.Printf("%s\t%s\t%s\t%s\t%s\n", name, base, v.kind, offset, xor)
	}
	return nil
}

// headerVersion returns NN from a "go 1.NN trace" header.
func headerVersion(data []byte) (int, error) {
	if len(data) < headerLen || !bytes.HasPrefix(data, []byte("go 1.")) {
		return 0, errors.New("not a Go execution trace")
	}
	rest := string(data[len("go 1."):headerLen])
	i := strings.IndexByte(rest, ' ')
	if i < 0 || !strings.HasPrefix(rest[i:], " trace") {
		return 0, errors.New("not a Go execution trace")
	}
	return strconv.Atoi(rest[:i])
}

func truncation(name string, data []byte, n int) variant {
	return variant{name: name, kind: "truncate", offset: n, data: append([]byte(nil), data[:n]...)}
}

// uvarint decodes an unsigned LEB128 value at data[off:], returning the
// value and the offset just after it.
func uvarint(data []byte, off int) (uint64, int, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if off+i >= len(data) {
			return 0, 0, fmt.Errorf("varint at %d runs past the end", off)
		}
		b := data[off+i]
		v |= uint64(b&0x7f) << (7 * uint(i))
		if b < 0x80 {
			return v, off + i + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("varint at %d is too long", off)
}

// modernBatch is one top-level record of a Go 1.22+ trace.
type modernBatch struct {
	start, headerEnd, end int
	gen                   uint64
	eog                   bool // the Go 1.26 end-of-generation byte
}

// modernBatches splits a Go 1.22+ trace into its top-level records.
func modernBatches(data []byte) ([]modernBatch, error) {
	var out []modernBatch
	off := headerLen
	for off < len(data) {
		start := off
		switch data[off] {
		case 0x34:
			out = append(out, modernBatch{start: start, headerEnd: off + 1, end: off + 1, eog: true})
			off++
			continue
		case 0x01:
			off++
		case 0x31:
			off += 2 // type byte and experiment byte
		default:
			return nil, fmt.Errorf("unexpected batch type 0x%02x at %d", data[off], off)
		}
		var fields [4]uint64 // gen, m, time, size
		for i := range fields {
			v, next, err := uvarint(data, off)
			if err != nil {
				return nil, err
			}
			fields[i], off = v, next
		}
		end := off + int(fields[3])
		if end > len(data) {
			return nil, fmt.Errorf("batch at %d runs past the end", start)
		}
		out = append(out, modernBatch{start: start, headerEnd: off, end: end, gen: fields[0]})
		off = end
	}
	return out, nil
}

func modernTruncations(data []byte, version int) ([]variant, error) {
	batches, err := modernBatches(data)
	if err != nil {
		return nil, err
	}
	if len(batches) < 2 || batches[0].eog {
		return nil, errors.New("too few batches")
	}
	first := batches[0]
	boundary := -1
	for _, b := range batches {
		if version >= 26 {
			if b.eog {
				boundary = b.end
				break
			}
		} else if b.gen != first.gen {
			boundary = b.start
			break
		}
	}
	if boundary < 0 || boundary+5 >= len(data) {
		return nil, errors.New("the trace has only one generation")
	}
	return []variant{
		truncation("trunc-header", data, headerLen),
		truncation("trunc-batch-header", data, first.start+(first.headerEnd-first.start)/2),
		truncation("trunc-batch-mid", data, first.headerEnd+(first.end-first.headerEnd)/2),
		truncation("trunc-gen-boundary", data, boundary),
		truncation("trunc-gen2-plus5", data, boundary+5),
	}, nil
}

// Legacy (Go 1.11-1.21) record types that do not follow the generic
// "type byte, then argument count code" layout, or carry extra data.
const (
	legacyBatch          = 1
	legacyFrequency      = 2
	legacyStack          = 3
	legacyTimerGoroutine = 35
	legacyString         = 37
	legacyUserLog        = 48
)

// legacyRecordStarts returns the offsets at which Batch records begin, and
// the offset where the first batch's header ends.
func legacyBatchStarts(data []byte) (starts []int, firstHeaderEnd int, err error) {
	off := headerLen
	for off < len(data) {
		start := off
		b := data[off]
		typ, narg := b&0x3f, int(b>>6)
		off++
		switch typ {
		case legacyBatch:
			starts = append(starts, start)
			for i := 0; i < 2; i++ { // P, timestamp
				if _, off, err = uvarint(data, off); err != nil {
					return nil, 0, err
				}
			}
			if len(starts) == 1 {
				firstHeaderEnd = off
			}
		case legacyFrequency, legacyTimerGoroutine:
			if _, off, err = uvarint(data, off); err != nil {
				return nil, 0, err
			}
		case legacyString:
			if _, off, err = uvarint(data, off); err != nil { // id
				return nil, 0, err
			}
			var n uint64
			if n, off, err = uvarint(data, off); err != nil {
				return nil, 0, err
			}
			off += int(n)
		default:
			if typ == 0 || typ >= 50 {
				return nil, 0, fmt.Errorf("unknown record type %d at %d", typ, start)
			}
			if narg < 3 {
				for i := 0; i < narg+1; i++ {
					if _, off, err = uvarint(data, off); err != nil {
						return nil, 0, err
					}
				}
			} else {
				var n uint64
				if n, off, err = uvarint(data, off); err != nil {
					return nil, 0, err
				}
				off += int(n)
				if typ == legacyUserLog {
					if n, off, err = uvarint(data, off); err != nil {
						return nil, 0, err
					}
					off += int(n)
				}
			}
		}
		if off > len(data) {
			return nil, 0, fmt.Errorf("record at %d runs past the end", start)
		}
	}
	return starts, firstHeaderEnd, nil
}

func legacyTruncations(data []byte) ([]variant, error) {
	starts, firstHeaderEnd, err := legacyBatchStarts(data)
	if err != nil {
		return nil, err
	}
	if len(starts) < 2 {
		return nil, errors.New("too few batches")
	}
	first, second := starts[0], starts[1]
	return []variant{
		truncation("trunc-header", data, headerLen),
		truncation("trunc-batch-header", data, first+(firstHeaderEnd-first)/2),
		truncation("trunc-batch-mid", data, firstHeaderEnd+(second-firstHeaderEnd)/2),
		truncation("trunc-batch-boundary", data, second),
		truncation("trunc-batch2-plus5", data, second+5),
	}, nil
}

// flipVariants XORs one byte after the header per variant. Positions are
// distinct; values are in 1..255.
func flipVariants(data []byte, n int, seed int64) []variant {
	rng := rand.New(rand.NewSource(seed))
	used := map[int]bool{}
	var out []variant
	for i := 0; i < n && len(used) < len(data)-headerLen; i++ {
		pos := headerLen + rng.Intn(len(data)-headerLen)
		for used[pos] {
			pos = headerLen + rng.Intn(len(data)-headerLen)
		}
		used[pos] = true
		x := byte(1 + rng.Intn(255))
		d := append([]byte(nil), data...)
		d[pos] ^= x
		out = append(out, variant{name: "flip-" + strconv.Itoa(i), kind: "flip", offset: pos, xor: x, data: d})
	}
	return out
}
