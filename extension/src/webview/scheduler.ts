// Throttling of the timeline queries: at most one in flight; while it runs, later wishes replace each other in a
// one-slot queue and go out when it answers. A query that has run longer than `maxAgeMs` when a new wish comes is
// superseded: it is cancelled (the host forwards `$/cancelRequest`) and the new one is sent at once. Answers of
// queries no longer in flight are ignored. Pure: sending, cancelling and the clock are injected.

export interface SchedulerIo<Q> {
  send(query: Q): number;
  cancel(id: number): void;
  now(): number;
}

export type AnswerKind = 'current' | 'older' | 'ignored';

export class LatestQueryScheduler<Q> {
  private inflight: { id: number; key: string; sentAt: number } | undefined;
  private queued: { query: Q; key: string } | undefined;
  private lastAnsweredKey: string | undefined;
  private wantedKey: string | undefined;

  constructor(private readonly io: SchedulerIo<Q>, private readonly maxAgeMs = 150) {}

  /**
   * Asks for `query` (identified by `key`: same key, same answer). Does nothing if that answer is already in hand
   * or on its way, unless `force`.
   */
  want(query: Q, key: string, force = false): void {
    this.wantedKey = key;
    if (!force) {
      if (this.inflight?.key === key) { this.queued = undefined; return; }
      if (!this.inflight && this.lastAnsweredKey === key) { this.queued = undefined; return; }
    }
    if (!this.inflight) { this.dispatch(query, key); return; }
    if (this.io.now() - this.inflight.sentAt > this.maxAgeMs) {
      this.io.cancel(this.inflight.id);
      this.inflight = undefined;
      this.dispatch(query, key);
      return;
    }
    this.queued = { query, key };
  }

  private dispatch(query: Q, key: string): void {
    this.queued = undefined;
    const id = this.io.send(query);
    this.inflight = { id, key, sentAt: this.io.now() };
  }

  /**
   * Tells the scheduler request `id` answered (or failed). 'current': the answer for what is wanted now; 'older':
   * an answer for an earlier view (still worth drawing until the current one comes); 'ignored': not ours or
   * cancelled. A queued wish is sent.
   */
  answered(id: number): AnswerKind {
    if (!this.inflight || this.inflight.id !== id) return 'ignored';
    const key = this.inflight.key;
    this.inflight = undefined;
    this.lastAnsweredKey = key;
    const q = this.queued;
    if (q) this.dispatch(q.query, q.key);
    return key === this.wantedKey ? 'current' : 'older';
  }

  /** Forget answers (data must be reloaded, e.g. after the theme or layout changed nothing but a reload is wanted). */
  invalidate(): void { this.lastAnsweredKey = undefined; }

  get busy(): boolean { return this.inflight !== undefined; }
  get inflightId(): number | undefined { return this.inflight?.id; }
}
