// Recognises a Go execution trace by its first bytes. Every trace starts with an ASCII header
// "go 1.N trace" padded with NUL bytes to 16 bytes ("go 1.5 trace\0\0\0\0", "go 1.22 trace\0\0\0").

/** Bytes to read from a file before calling {@link sniffGoTrace}. */
export const SNIFF_BYTES = 16;

const HEADER = /^go 1\.(\d{1,3}) trace\0+$/;

/** The Go version of the trace format ("1.22") when `head` starts with a Go trace header, else undefined. */
export function sniffGoTrace(head: Uint8Array): string | undefined {
  if (head.length < SNIFF_BYTES) return undefined;
  let text = '';
  for (let i = 0; i < SNIFF_BYTES; i++) {
    const b = head[i];
    if (b !== 0 && (b < 0x20 || b > 0x7e)) return undefined;
    text += String.fromCharCode(b);
  }
  const m = HEADER.exec(text);
  return m ? `1.${m[1]}` : undefined;
}

/** File names the trace editor opens by default (the manifest's "default" selectors). */
export function isDefaultTraceName(fileName: string): boolean {
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  return base.endsWith('.trace') || base === 'trace.out' || base.endsWith('.trace.out');
}

/** `.out` files that are not default trace names: opened as text, they are sniffed and reopened if they are traces. */
export function isSniffCandidate(fileName: string): boolean {
  return fileName.toLowerCase().endsWith('.out') && !isDefaultTraceName(fileName);
}
