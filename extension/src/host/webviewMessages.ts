// Checks what the webview posts before the host acts on it: a webview is a web page, so its messages are
// validated like any input. Pure.

import { WebviewMethods, type SourceRef, type ViewState, type WebviewMethod, type WebviewToHost } from '../webview/messages';
import type { BlockingKind } from '../protocol';

const KINDS: BlockingKind[] = ['sync', 'net', 'syscall', 'sched'];
const LEVELS = ['info', 'warning', 'error'];

export type Parsed = { ok: true; message: WebviewToHost } | { ok: false; error: string; requestId?: number };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sourceRef(v: unknown): SourceRef | undefined {
  if (!isObject(v) || typeof v.file !== 'string' || v.file.length === 0 || !Number.isInteger(v.line)) return undefined;
  return { file: v.file, line: v.line as number, func: typeof v.func === 'string' ? v.func : undefined };
}

const nsValue = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A view (deep links): a window of whole ns, optionally a goroutine and a selected time. */
function viewState(v: unknown): ViewState | undefined {
  if (!isObject(v) || !nsValue(v.startNs) || !nsValue(v.endNs) || v.endNs <= v.startNs) return undefined;
  const out: ViewState = { startNs: v.startNs, endNs: v.endNs };
  if (nsValue(v.goroutine)) out.goroutine = v.goroutine;
  if (nsValue(v.timeNs)) out.timeNs = v.timeNs;
  return out;
}

export function isWebviewMethod(m: unknown): m is WebviewMethod {
  return typeof m === 'string' && (WebviewMethods as readonly string[]).includes(m);
}

export function parseWebviewMessage(raw: unknown): Parsed {
  if (!isObject(raw) || typeof raw.type !== 'string') return { ok: false, error: 'not a message' };
  switch (raw.type) {
    case 'ready':
    case 'cancelOpen':
      return { ok: true, message: { type: raw.type } };
    case 'request': {
      if (!Number.isInteger(raw.requestId)) return { ok: false, error: 'request without an integer requestId' };
      const requestId = raw.requestId as number;
      if (!isWebviewMethod(raw.method)) {
        return { ok: false, error: `method ${String(raw.method)} is not available to the webview`, requestId };
      }
      const params = raw.params === undefined ? {} : raw.params;
      if (!isObject(params)) return { ok: false, error: 'params must be an object', requestId };
      return { ok: true, message: { type: 'request', requestId, method: raw.method, params } };
    }
    case 'cancelRequest':
      if (!Number.isInteger(raw.requestId)) return { ok: false, error: 'cancelRequest without an integer requestId' };
      return { ok: true, message: { type: 'cancelRequest', requestId: raw.requestId as number } };
    case 'openSource': {
      const target = sourceRef(raw.target);
      if (!target) return { ok: false, error: 'openSource without a target {file, line}' };
      const frames = Array.isArray(raw.frames) ? raw.frames.map(sourceRef).filter((f): f is SourceRef => f !== undefined) : undefined;
      return { ok: true, message: { type: 'openSource', target, frames, preserveFocus: raw.preserveFocus === true } };
    }
    case 'exportPprof': {
      if (!KINDS.includes(raw.kind as BlockingKind)) return { ok: false, error: `unknown profile kind ${String(raw.kind)}` };
      if (raw.filter !== undefined && !isObject(raw.filter)) return { ok: false, error: 'filter must be an object' };
      return { ok: true, message: { type: 'exportPprof', kind: raw.kind as BlockingKind, filter: raw.filter as Record<string, unknown> | undefined } };
    }
    case 'log': {
      const level = LEVELS.includes(raw.level as string) ? (raw.level as 'info' | 'warning' | 'error') : 'info';
      return { ok: true, message: { type: 'log', level, message: String(raw.message ?? '').slice(0, 4000) } };
    }
    case 'viewState': {
      const v = viewState(raw);
      if (!v) return { ok: false, error: 'viewState without a window {startNs < endNs}' };
      return { ok: true, message: { type: 'viewState', ...v } };
    }
    case 'copyLink': {
      const v = viewState(raw.view);
      if (!v) return { ok: false, error: 'copyLink without a view {startNs < endNs}' };
      return { ok: true, message: { type: 'copyLink', view: v } };
    }
    default:
      return { ok: false, error: `unknown message type ${raw.type}` };
  }
}

/** The params of a forwarded request: the webview's, with this editor's traceId (which the webview cannot override). */
export function withTraceId(params: Record<string, unknown>, traceId: string): Record<string, unknown> {
  return { ...params, traceId };
}
