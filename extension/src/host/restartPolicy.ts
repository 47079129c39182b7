// How often a crashed server is started again: at most `maxRestarts` automatic restarts within a sliding
// window of `windowMs`. Past that the extension stops trying and tells the user (who can restart by hand).
// Pure: the caller passes the clock.

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(readonly maxRestarts = 3, readonly windowMs = 3 * 60_000) {
    if (maxRestarts < 0 || windowMs <= 0) throw new RangeError('maxRestarts >= 0 and windowMs > 0');
  }

  /** Records a crash at `nowMs`; true when the server may be restarted for it. */
  onCrash(nowMs: number): boolean {
    this.crashes = this.crashes.filter((t) => nowMs - t < this.windowMs);
    if (this.crashes.length >= this.maxRestarts) return false;
    this.crashes.push(nowMs);
    return true;
  }

  /** Restarts that the window still counts at `nowMs`. */
  recent(nowMs: number): number {
    return this.crashes.filter((t) => nowMs - t < this.windowMs).length;
  }

  /** A restart the user asked for starts the count afresh. */
  reset(): void {
    this.crashes = [];
  }
}
