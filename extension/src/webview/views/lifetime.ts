// Where a goroutine's row is shown focused: its lifetime on the timeline and its first activity. Pure.

/** The window of a goroutine's life (creation to end, clipped to the trace) and the time of its first span to select. */
export function lifetimeWindow(item: { creationNs: number; endNs: number } | undefined, durationNs: number): { startNs: number; endNs: number; timeNs: number } {
  if (!item) return { startNs: 0, endNs: durationNs, timeNs: 0 };
  const start = Math.max(0, Math.min(durationNs, item.creationNs));
  const end = item.endNs < 0 ? durationNs : Math.max(start + 1, Math.min(durationNs, item.endNs));
  // the first span after creation (creation itself is the boundary between "not yet" and the first state)
  const timeNs = Math.min(end - 1, start + 1);
  return { startNs: start, endNs: end, timeNs };
}
