// Per-line blocking numbers of the open traces, cached per (trace, file): one gotrace/sourceLines call
// without `line` returns every line of the file; hovers, CodeLenses and heat marks read from it. The cache
// is dropped whenever a trace opens, closes or is reopened.

import * as vscode from 'vscode';
import { Methods, type BlockingKind, type BlockingSitesResult, type LineNumbers, type SourceLinesResult } from '../protocol';
import type { TraceRegistry, TraceSession } from './traces';
import { toRpcError } from './serverClient';
import type { OutputLogger } from './log';

export interface TraceLines { session: TraceSession; traceId: string; result: SourceLinesResult }

export class LineIndex implements vscode.Disposable {
  private readonly lines = new Map<string, Promise<SourceLinesResult | undefined>>();
  private readonly totals = new Map<string, Promise<number>>();
  private readonly sub: vscode.Disposable;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** The cached numbers were dropped (a trace opened or closed). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly registry: TraceRegistry, private readonly logger: OutputLogger) {
    this.sub = registry.onDidChange(() => {
      this.lines.clear();
      this.totals.clear();
      this.changeEmitter.fire();
    });
  }

  /** Numbers for `file` (a local path) in one trace; undefined when the trace has no such file or failed. */
  forFile(session: TraceSession, file: string): Promise<SourceLinesResult | undefined> {
    const traceId = session.traceId;
    if (session.state !== 'open' || !traceId) return Promise.resolve(undefined);
    const key = `${traceId}\0${file}`;
    let p = this.lines.get(key);
    if (!p) {
      p = this.registry.client.request<SourceLinesResult>(Methods.sourceLines, { traceId, file, topStacks: 3 }).then(
        (r) => (r.match.tracePath ? r : undefined),
        (e) => {
          this.logger.warn(`sourceLines ${file} in ${session.name}: ${toRpcError(e).message}`);
          this.lines.delete(key);
          return undefined;
        });
      this.lines.set(key, p);
    }
    return p;
  }

  /** Every open trace that has numbers for `file`. */
  async allForFile(file: string): Promise<TraceLines[]> {
    const out: TraceLines[] = [];
    const sessions = this.registry.openSessions();
    const results = await Promise.all(sessions.map((s) => this.forFile(s, file)));
    sessions.forEach((s, i) => { const r = results[i]; if (r && s.traceId) out.push({ session: s, traceId: s.traceId, result: r }); });
    return out;
  }

  /** The line's numbers in each trace that has any. */
  async forLine(file: string, line: number): Promise<{ t: TraceLines; line: LineNumbers }[]> {
    return (await this.allForFile(file)).flatMap((t) => {
      const l = t.result.lines.find((x) => x.line === line);
      return l ? [{ t, line: l }] : [];
    });
  }

  /** Total blocking time of a kind in a trace (the profile's total), for the annotation threshold. */
  totalNs(session: TraceSession, kind: BlockingKind): Promise<number> {
    const traceId = session.traceId;
    if (!traceId) return Promise.resolve(0);
    const key = `${traceId}\0${kind}`;
    let p = this.totals.get(key);
    if (!p) {
      p = this.registry.client.request<BlockingSitesResult>(Methods.blockingSites, { traceId, kind, limit: 1 })
        .then((r) => r.totalNs, () => { this.totals.delete(key); return 0; });
      this.totals.set(key, p);
    }
    return p;
  }

  dispose(): void {
    this.sub.dispose();
    this.changeEmitter.dispose();
  }
}
