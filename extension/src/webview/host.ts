// The webview's side of the host channel: postMessage to the extension host, server requests by id, state.

import type { WebviewToHost, WebviewMethod, ResponseMessage } from './messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class RequestError extends Error {
  constructor(message: string, readonly code: number, readonly data?: unknown) { super(message); }
  get cancelled(): boolean { return this.code === -32800; }
}

export class Host {
  private readonly api: VsCodeApi;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void; method: string }>();

  constructor() {
    this.api = acquireVsCodeApi();
  }

  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  /** Sends a server request through the host; `id` lets the caller cancel it. */
  request<T>(method: WebviewMethod, params: Record<string, unknown>): { id: number; promise: Promise<T> } {
    const id = this.nextId++;
    const promise = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
    });
    this.post({ type: 'request', requestId: id, method, params });
    return { id, promise };
  }

  /** Cancels a request: the host forwards $/cancelRequest; its promise rejects with a cancelled error now. */
  cancel(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.post({ type: 'cancelRequest', requestId: id });
    p.reject(new RequestError('cancelled', -32800));
  }

  /** Routes a `response` message; false when it answers nothing pending (e.g. a cancelled request). */
  onResponse(msg: ResponseMessage): boolean {
    const p = this.pending.get(msg.requestId);
    if (!p) return false;
    this.pending.delete(msg.requestId);
    if (msg.error) p.reject(new RequestError(msg.error.message, msg.error.code, msg.error.data));
    else p.resolve(msg.result);
    return true;
  }

  log(level: 'info' | 'warning' | 'error', message: string): void {
    this.post({ type: 'log', level, message });
  }

  getState(): unknown { return this.api.getState(); }
  setState(s: unknown): void { this.api.setState(s); }
}
