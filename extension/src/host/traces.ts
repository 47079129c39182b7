// The open traces: one TraceSession per trace document (VS Code gives every editor of the same file the same
// CustomDocument, so several tabs share one server trace; it is closed when the last tab closes). The session
// opens the trace in the server, routes progress to its editors, reopens it after a server restart (its trace
// id changes) and forwards the webviews' requests with its current trace id.

import * as path from 'path';
import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ErrorCodes, Methods, type OpenResult, type ProgressParams, type TraceSummary } from '../protocol';
import type { HostToWebview } from '../webview/messages';
import { GoTraceClient, toRpcError, type RpcErrorInfo } from './serverClient';
import type { OutputLogger } from './log';
import { isDefaultTraceName } from './traceSniff';

export type SessionState = 'opening' | 'open' | 'failed' | 'closed';

export class TraceSession implements vscode.CustomDocument {
  state: SessionState = 'opening';
  traceId: string | undefined;
  summary: TraceSummary | undefined;
  lastProgress: ProgressParams | undefined;
  failure: { message: string; cancelled: boolean } | undefined;
  readonly panels = new Set<vscode.WebviewPanel>();
  private openCts: CancellationTokenSource | undefined;
  private opened: Promise<string>;
  private resolveOpened!: (id: string) => void;
  private rejectOpened!: (e: RpcErrorInfo) => void;
  /** Custom documents using this session (one per view type the file is open with). */
  refs = 0;
  /** Bumped on every (re)open, so a late answer of an older open is ignored. */
  private attempt = 0;

  constructor(readonly uri: vscode.Uri, private readonly registry: TraceRegistry) {
    this.opened = this.newOpenedPromise();
  }

  get path(): string { return this.uri.fsPath; }
  get name(): string { return path.basename(this.uri.fsPath); }

  private newOpenedPromise(): Promise<string> {
    const p = new Promise<string>((res, rej) => { this.resolveOpened = res; this.rejectOpened = rej; });
    p.catch(() => undefined); // observed by whoever awaits it
    return p;
  }

  /** The current trace id once the trace is open (waits during a reopen). */
  whenOpen(): Promise<string> {
    if (this.state === 'open' && this.traceId) return Promise.resolve(this.traceId);
    if (this.state === 'failed' || this.state === 'closed') {
      return Promise.reject({ code: ErrorCodes.unknownTrace, message: this.failure?.message ?? 'the trace is not open' });
    }
    return this.opened;
  }

  /** Opens (or, after a server restart, reopens) the trace in the server. */
  async open(): Promise<void> {
    const attempt = ++this.attempt;
    if (this.state !== 'opening') this.opened = this.newOpenedPromise();
    this.state = 'opening';
    this.traceId = undefined;
    this.failure = undefined;
    this.openCts?.dispose();
    const cts = new CancellationTokenSource();
    this.openCts = cts;
    const log = this.registry.logger;
    const t0 = Date.now();
    log.info(`opening ${this.path}`);
    try {
      const r = await this.registry.client.request<OpenResult>(Methods.open, { path: this.path }, cts.token);
      if (attempt !== this.attempt || this.isClosed()) {
        // Superseded (closed, or reopened after a restart) while it was reading: release it.
        void this.registry.client.request(Methods.close, { traceId: r.traceId }).catch(() => undefined);
        return;
      }
      this.traceId = r.traceId;
      this.summary = r.summary;
      this.state = 'open';
      log.info(`opened ${this.path} as ${r.traceId}: ${r.summary.events} events, ${r.summary.format}, in ${Date.now() - t0} ms` +
        (r.summary.damage ? `; damaged: ${r.summary.damage.message}` : ''));
      this.resolveOpened(r.traceId);
      this.post({ type: 'opened', summary: r.summary, damage: r.summary.damage });
      this.registry.changed();
    } catch (e) {
      if (attempt !== this.attempt || this.isClosed()) return;
      const err = toRpcError(e);
      const cancelled = err.code === ErrorCodes.requestCancelled;
      this.state = 'failed';
      this.failure = { message: cancelled ? 'Opening was cancelled.' : err.message, cancelled };
      log.log(cancelled ? 'info' : 'error', `${cancelled ? 'cancelled opening' : 'cannot open'} ${this.path}: ${err.message}`);
      this.rejectOpened(err);
      this.post({ type: 'openFailed', message: this.failure.message, cancelled });
      this.registry.changed();
      if (cancelled) await this.closeTabs();
    } finally {
      if (this.openCts === cts) this.openCts = undefined;
      cts.dispose();
    }
  }

  /** (A method, so that the compiler does not narrow `state` across awaits.) */
  isClosed(): boolean { return this.state === 'closed'; }

  cancelOpen(): void {
    // The tab closes at once: the server may be blocked reading a pipe that has gone quiet, and only answers the
    // cancel when bytes or the end arrive. An answer that still comes is released (open(): superseded or closed).
    if (this.state === 'opening') this.openCts?.cancel();
    if (this.state === 'opening' || this.state === 'failed') void this.closeTabs();
  }

  onProgress(p: ProgressParams): void {
    if (this.state !== 'opening') return;
    this.lastProgress = p;
    this.post({ type: 'progress', bytesRead: p.bytesRead, totalBytes: p.totalBytes, events: p.events });
  }

  /** Posts to every editor of this trace. */
  post(message: HostToWebview): void {
    for (const p of this.panels) void p.webview.postMessage(message);
  }

  /** Closes every tab showing this trace (after a cancelled open). */
  async closeTabs(): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) =>
      t.input instanceof vscode.TabInputCustom
      && (t.input.viewType === TraceRegistry.viewType || t.input.viewType === TraceRegistry.anyViewType)
      && t.input.uri.toString() === this.uri.toString());
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
  }

  /** The last editor of a view type closed; when no view type uses the session: release the trace in the server. */
  dispose(): void {
    if (--this.refs > 0) return;
    const prev = this.state;
    this.state = 'closed';
    this.attempt++;
    this.openCts?.cancel();
    this.rejectOpened({ code: ErrorCodes.unknownTrace, message: 'the trace was closed' });
    if (prev === 'open' && this.traceId && this.registry.client.state === 'running') {
      const id = this.traceId;
      this.registry.client.request(Methods.close, { traceId: id }).then(
        () => this.registry.logger.info(`closed ${this.path} (${id})`),
        (e) => this.registry.logger.warn(`closing ${id}: ${toRpcError(e).message}`));
    }
    this.traceId = undefined;
    this.registry.remove(this);
  }
}

export class TraceRegistry implements vscode.Disposable {
  /** The trace editor for default trace names (*.trace, trace.out, *.trace.out). */
  static readonly viewType = 'gotrace.timeline';
  /** The same editor offered for any file ("Reopen Editor With…", sniffed .out files). */
  static readonly anyViewType = 'gotrace.timelineAny';

  /** The view type to open `fsPath` with. */
  static viewTypeFor(fsPath: string): string {
    return isDefaultTraceName(fsPath) ? TraceRegistry.viewType : TraceRegistry.anyViewType;
  }
  private readonly sessions = new Map<string, TraceSession>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The trace whose editor was focused last. */
  active: TraceSession | undefined;

  /** A trace opened, closed, failed or was reopened (its id changed). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(readonly client: GoTraceClient, readonly logger: OutputLogger) {
    this.disposables.push(
      client.onProgress((p) => this.routeProgress(p)),
      client.onDidRestart(({ reason }) => this.reopenAll(reason)),
      client.onDidGiveUp((m) => this.serverGaveUp(m)),
    );
  }

  create(uri: vscode.Uri): TraceSession {
    const s = new TraceSession(uri, this);
    this.sessions.set(uri.toString(), s);
    void s.open();
    return s;
  }

  get(uri: vscode.Uri): TraceSession | undefined { return this.sessions.get(uri.toString()); }
  all(): TraceSession[] { return [...this.sessions.values()]; }
  openSessions(): TraceSession[] { return this.all().filter((s) => s.state === 'open'); }

  remove(s: TraceSession): void {
    if (this.sessions.get(s.uri.toString()) === s) this.sessions.delete(s.uri.toString());
    if (this.active === s) this.active = undefined;
    this.changed();
  }

  changed(): void {
    void vscode.commands.executeCommand('setContext', 'gotrace.hasOpenTraces', this.openSessions().length > 0);
    this.changeEmitter.fire();
  }

  private routeProgress(p: ProgressParams): void {
    // The trace id is in every notification; before the open answers the session does not know it yet, so
    // the path decides (one session per file).
    const s = this.all().find((x) => x.state === 'opening' && (x.traceId === p.traceId || x.path === p.path));
    if (s) s.onProgress(p);
    else this.logger.debug(`progress for ${p.path} (${p.traceId}) matches no opening trace`);
  }

  private reopenAll(reason: string): void {
    const toReopen = this.all().filter((s) => s.state === 'open' || s.state === 'opening');
    if (toReopen.length === 0) return;
    this.logger.warn(`server restarted (${reason}): reopening ${toReopen.length} trace(s)`);
    for (const s of toReopen) {
      s.post({ type: 'progress', bytesRead: 0, totalBytes: s.summary?.bytes ?? 0, events: 0 });
      void s.open();
    }
    this.changed();
  }

  private serverGaveUp(message: string): void {
    for (const s of this.all()) {
      if (s.state === 'open' || s.state === 'opening') {
        s.state = 'failed';
        s.failure = { message: `The Go trace server stopped: ${message}`, cancelled: false };
        s.post({ type: 'openFailed', message: s.failure.message, cancelled: false });
      }
    }
    this.changed();
    void vscode.window.showErrorMessage(`Go Trace: ${message}`, 'Restart Server', 'Show Log').then((pick) => {
      if (pick === 'Restart Server') void vscode.commands.executeCommand('gotrace.restartServer');
      else if (pick === 'Show Log') this.logger.show();
    });
  }

  /** After a manual restart from the failed state: reopen the failed traces too. */
  reopenFailed(): void {
    for (const s of this.all()) if (s.state === 'failed' && !s.failure?.cancelled) void s.open();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changeEmitter.dispose();
  }
}
