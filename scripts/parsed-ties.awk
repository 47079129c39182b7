# Turns `-d=parsed` text into one line per event record (the "M=" line and its stack lines, joined by \001), each
# prefixed by the number of its run of 1-ns-spaced times, with the time itself blanked. Sorted by
# `sort -t'\t' -k1,1n -k2`, two outputs then compare equal exactly when they differ only in the order of the events
# within such runs: Go's legacy parser breaks ties between equal times on different Ps in map-iteration order (at
# random, per run) and its converter spreads equal times 1 ns apart (trace-format-legacy.md §3.3, §4.4).
function flush() { if (rec != "") print run "\t" rec; rec = "" }
/^M=/ {
  flush()
  t = $0; sub(/.* Time=/, "", t); sub(/ .*/, "", t); t += 0
  if (!started || t != prev + 1) run++
  started = 1; prev = t
  line = $0; sub(/ Time=[0-9]+/, " Time=_", line); rec = line; next
}
{ rec = rec "\001" $0 }
END { flush() }
