// The connection to `gotrace serve`: spawns the server, speaks JSON-RPC over its stdio with vscode-jsonrpc
// (LSP base protocol, initialize/initialized, shutdown/exit), routes its notifications, and restarts it a
// bounded number of times when it dies. No vscode import: the integration test drives this class directly.

import * as cp from 'child_process';
import * as fs from 'fs';
import {
  CancellationToken, Disposable, Emitter, Event, MessageConnection, ResponseError,
  StreamMessageReader, StreamMessageWriter, createMessageConnection,
} from 'vscode-jsonrpc/node';
import { Methods, Notifications, type ProgressParams } from '../protocol';
import { RestartPolicy } from './restartPolicy';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'off';
const LEVELS: LogLevel[] = ['debug', 'info', 'warning', 'error', 'off'];

export interface Logger {
  log(level: Exclude<LogLevel, 'off'>, message: string): void;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  /** Where the command came from, for the log ("setting gotrace.server.path", "packaged"...). */
  source: string;
}

export interface ClientOptions {
  /** Called at each start: where the server is (settings may change between starts). Throws when unknown. */
  launch: () => LaunchSpec;
  logger: Logger;
  logLevel?: () => LogLevel;
  policy?: RestartPolicy;
  /** Delay before an automatic restart (ms). */
  restartDelayMs?: number;
  clientName?: string;
  clientVersion?: string;
  now?: () => number;
}

export interface InitializeResult {
  capabilities: { experimental?: { methods?: string[]; notifications?: string[] } };
  serverInfo?: { name: string; version?: string };
}

export type ClientState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

/** A server error as the extension passes it on (to a webview, a message). */
export interface RpcErrorInfo { code: number; message: string; data?: unknown }

/** Code of requests that failed because the server process went away (vscode-jsonrpc's MessageWriteError). */
export const SERVER_GONE = -32099;

export function toRpcError(e: unknown): RpcErrorInfo {
  if (e instanceof ResponseError) return { code: e.code, message: e.message, data: e.data };
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'number') {
    const o = e as { code: number; message?: unknown; data?: unknown };
    return { code: o.code, message: String(o.message ?? ''), data: o.data };
  }
  return { code: SERVER_GONE, message: e instanceof Error ? e.message : String(e) };
}

export class GoTraceClient implements Disposable {
  private proc: cp.ChildProcess | undefined;
  private conn: MessageConnection | undefined;
  private starting: Promise<InitializeResult> | undefined;
  private stopping: Promise<void> | undefined;
  private _state: ClientState = 'stopped';
  private _info: InitializeResult | undefined;
  private generation = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** The server died and is being started again: the next successful start announces a restart. */
  private crashRestartPending = false;
  private readonly policy: RestartPolicy;

  private readonly progressEmitter = new Emitter<ProgressParams>();
  private readonly restartEmitter = new Emitter<{ generation: number; reason: 'crash' | 'user' }>();
  private readonly stateEmitter = new Emitter<ClientState>();
  private readonly gaveUpEmitter = new Emitter<string>();

  /** `gotrace/progress` notifications. */
  readonly onProgress: Event<ProgressParams> = this.progressEmitter.event;
  /** The server was started again (after a crash or on request): every trace id is void, reopen the traces. */
  readonly onDidRestart = this.restartEmitter.event;
  readonly onDidChangeState: Event<ClientState> = this.stateEmitter.event;
  /** The server died too often; it will not be restarted automatically. */
  readonly onDidGiveUp: Event<string> = this.gaveUpEmitter.event;

  constructor(private readonly options: ClientOptions) {
    this.policy = options.policy ?? new RestartPolicy();
  }

  get state(): ClientState { return this._state; }
  get serverInfo(): InitializeResult | undefined { return this._info; }
  get pid(): number | undefined { return this.proc?.pid; }

  private setState(s: ClientState): void {
    if (this._state === s) return;
    this._state = s;
    this.stateEmitter.fire(s);
  }

  private log(level: Exclude<LogLevel, 'off'>, message: string): void {
    const min = this.options.logLevel?.() ?? 'info';
    if (LEVELS.indexOf(level) >= LEVELS.indexOf(min)) this.options.logger.log(level, message);
  }

  /** Starts the server if it is not running; resolves with its initialize result. */
  start(): Promise<InitializeResult> {
    if (this._state === 'running' && this._info) return Promise.resolve(this._info);
    if (this.starting) return this.starting;
    if (this.restartTimer) { clearTimeout(this.restartTimer); this.restartTimer = undefined; }
    this.starting = this.doStart().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private async doStart(): Promise<InitializeResult> {
    if (this.stopping) await this.stopping;
    this.setState('starting');
    let spec: LaunchSpec;
    try {
      spec = this.options.launch();
    } catch (e) {
      this.setState('failed');
      throw e;
    }
    ensureExecutable(spec.command, (m) => this.log('warning', m));
    const level = this.options.logLevel?.() ?? 'info';
    const args = [...spec.args, '--log-level', level];
    this.log('info', `starting ${spec.command} ${args.join(' ')} (${spec.source})`);
    const t0 = Date.now();
    const proc = cp.spawn(spec.command, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env: serverEnvironment(process.env) });
    this.proc = proc;
    const generation = ++this.generation;

    const spawnError = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`cannot start the Go trace server ${spec.command}: ${err.message}`)));
    });
    let stderrRest = '';
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      const lines = (stderrRest + chunk).split(/\r?\n/);
      stderrRest = lines.pop() ?? '';
      for (const l of lines) if (l.length > 0) this.options.logger.log(serverLineLevel(l), `[server] ${l}`);
    });
    proc.stdin!.on('error', (err) => this.log('debug', `server stdin: ${err.message}`));

    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!), {
      error: (m) => this.log('error', `jsonrpc: ${m}`),
      warn: (m) => this.log('warning', `jsonrpc: ${m}`),
      info: (m) => this.log('debug', `jsonrpc: ${m}`),
      log: (m) => this.log('debug', `jsonrpc: ${m}`),
    });
    this.conn = conn;
    conn.onNotification(Notifications.progress, (p: ProgressParams) => this.progressEmitter.fire(p));
    conn.onError(([err]) => this.log('error', `connection error: ${err.message}`));
    conn.listen();

    proc.once('exit', (code, signal) => {
      if (stderrRest) this.options.logger.log(serverLineLevel(stderrRest), `[server] ${stderrRest}`);
      this.onExit(generation, proc, conn, code, signal);
    });

    const exited = new Promise<never>((_, reject) => {
      proc.once('exit', (code, signal) =>
        reject(new Error(`the Go trace server exited during start-up (code ${code}, signal ${signal}); see the "Go Trace" output`)));
    });
    try {
      const result = await Promise.race([
        conn.sendRequest('initialize', {
          processId: process.pid,
          clientInfo: { name: this.options.clientName ?? 'gotrace-vscode', version: this.options.clientVersion },
        }) as Promise<InitializeResult>,
        spawnError,
        exited,
      ]);
      await conn.sendNotification('initialized', {});
      this._info = result;
      this.log('info', `server ${result.serverInfo?.name ?? '?'} ${result.serverInfo?.version ?? ''} ready in ${Date.now() - t0} ms (pid ${proc.pid})`);
      const missing = Object.values(Methods).filter((m) => !(result.capabilities.experimental?.methods ?? []).includes(m));
      if (missing.length > 0) this.log('warning', `the server does not list these methods: ${missing.join(', ')}`);
      this.setState('running');
      if (this.crashRestartPending) {
        this.crashRestartPending = false;
        // After the caller of start() has its answer: listeners reopen traces with new requests.
        queueMicrotask(() => this.restartEmitter.fire({ generation, reason: 'crash' }));
      }
      return result;
    } catch (e) {
      this.log('error', e instanceof Error ? e.message : String(e));
      if (this.proc === proc) this.killNow();
      this.setState('failed');
      throw e;
    }
  }

  private onExit(generation: number, proc: cp.ChildProcess, conn: MessageConnection, code: number | null, signal: NodeJS.Signals | null): void {
    conn.dispose();
    if (this.proc !== proc) return; // an older process
    this.proc = undefined;
    this.conn = undefined;
    this._info = undefined;
    const expected = this._state === 'stopping' || this._state === 'stopped';
    this.log(expected ? 'info' : 'error', `server (pid ${proc.pid}) exited with code ${code}${signal ? `, signal ${signal}` : ''}`);
    if (expected || generation !== this.generation) return;
    if (this._state === 'starting') return; // doStart reports it
    if (this.policy.onCrash(this.now())) {
      this.crashRestartPending = true;
      this.setState('starting');
      const n = this.policy.recent(this.now());
      this.log('warning', `restarting the server (${n} of ${this.policy.maxRestarts} automatic restarts within ${this.policy.windowMs / 60000} min)`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.start().catch((e) => {
          this.crashRestartPending = false;
          this.giveUp(`the server could not be restarted: ${e instanceof Error ? e.message : e}`);
        });
      }, this.options.restartDelayMs ?? 500);
    } else {
      this.giveUp(`the server stopped ${this.policy.maxRestarts + 1} times within ${this.policy.windowMs / 60000} min; it will not be restarted automatically (run "Go Trace: Restart Server")`);
    }
  }

  private giveUp(message: string): void {
    this.setState('failed');
    this.log('error', message);
    this.gaveUpEmitter.fire(message);
  }

  private now(): number { return (this.options.now ?? Date.now)(); }

  /** Sends a request, starting the server first if needed. Errors are ResponseError (code, message, data). */
  async request<R>(method: string, params: object, token?: CancellationToken): Promise<R> {
    if (this._state !== 'running' || !this.conn) await this.start();
    const conn = this.conn;
    if (!conn) throw new ResponseError(SERVER_GONE, 'the Go trace server is not running');
    this.log('debug', `-> ${method} ${JSON.stringify(params).slice(0, 300)}`);
    try {
      const r = (token ? await conn.sendRequest(method, params, token) : await conn.sendRequest(method, params)) as R;
      this.log('debug', `<- ${method} ok`);
      return r;
    } catch (e) {
      // vscode-jsonrpc's own codes when the connection ends under a request (-32096..-32099) become SERVER_GONE.
      if (e instanceof ResponseError && (e.code > -32096 || e.code < -32099)) throw e;
      throw new ResponseError(SERVER_GONE, `the Go trace server went away (${e instanceof Error ? e.message : e})`);
    }
  }

  /** Stops (shutdown + exit, then kill after a grace period) and starts again; traces must be reopened. */
  async restart(): Promise<InitializeResult> {
    this.policy.reset();
    await this.stop();
    const r = await this.start();
    this.restartEmitter.fire({ generation: this.generation, reason: 'user' });
    return r;
  }

  /** Orderly stop: `shutdown`, `exit`, wait up to `graceMs` for the process to end, then kill it. */
  stop(graceMs = 2000): Promise<void> {
    if (this.restartTimer) { clearTimeout(this.restartTimer); this.restartTimer = undefined; }
    if (this.stopping) return this.stopping;
    const proc = this.proc, conn = this.conn;
    if (!proc) { this.setState('stopped'); return Promise.resolve(); }
    this.setState('stopping');
    this.stopping = (async () => {
      const gone = new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) resolve();
        else proc.once('exit', () => resolve());
      });
      try {
        if (conn) {
          await Promise.race([conn.sendRequest('shutdown'), delay(graceMs)]);
          await conn.sendNotification('exit');
        }
      } catch (e) {
        this.log('debug', `shutdown: ${e instanceof Error ? e.message : e}`);
      }
      proc.stdin?.end();
      const timer = setTimeout(() => { if (proc.exitCode === null) { this.log('warning', 'server did not exit, killing it'); proc.kill('SIGKILL'); } }, graceMs);
      await gone;
      clearTimeout(timer);
      this.setState('stopped');
    })().finally(() => { this.stopping = undefined; });
    return this.stopping;
  }

  private killNow(): void {
    const p = this.proc;
    this.proc = undefined;
    this.conn?.dispose();
    this.conn = undefined;
    if (p && p.exitCode === null) p.kill('SIGKILL');
  }

  dispose(): void {
    void this.stop(500);
    this.progressEmitter.dispose();
    this.restartEmitter.dispose();
    this.stateEmitter.dispose();
    this.gaveUpEmitter.dispose();
  }
}

/** The level of a server log line ("HH:mm:ss.fff level message"); unparsable lines (a crash dump) are errors. */
export function serverLineLevel(line: string): Exclude<LogLevel, 'off'> {
  const m = /^\d\d:\d\d:\d\d\.\d+\s+(\w+)/.exec(line);
  if (!m) return 'error';
  const w = m[1].toLowerCase();
  if (w.startsWith('dbg') || w === 'debug' || w === 'trace') return 'debug';
  if (w.startsWith('warn')) return 'warning';
  if (w.startsWith('err') || w.startsWith('fail') || w.startsWith('crit') || w === 'fatal') return 'error';
  return 'info';
}

/**
 * The environment the server runs in: a copy of the host's. Tiered compilation is left to the server's runtime
 * config (off in the packaged `gotrace`: it runs its precompiled code and never re-compiles), unless the user set
 * DOTNET_TieredCompilation. Session 6 switched it on for the server (a tiny trace's first open 260 -> 210 ms);
 * session 7 measured that it costs more than it gives: timeline p99 on the 64 MiB bench trace 13.3-15.6 ms with it,
 * 7.5-8.7 ms without; 21-33 ms against 12-14.5 ms on a 4 MiB HTTP-server trace; the big open the same.
 */
export function serverEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** A .vsix unpacked by some tools loses the executable bit: put it back (best effort). */
function ensureExecutable(path: string, warn: (m: string) => void): void {
  if (process.platform === 'win32' || !path.includes('/')) return;
  try {
    const st = fs.statSync(path);
    if ((st.mode & 0o111) === 0) {
      fs.chmodSync(path, st.mode | 0o755);
      warn(`made ${path} executable`);
    }
  } catch {
    // missing: spawn reports it
  }
}
