// Palette commands that act on traces: export a blocking profile, reveal a source line's blocking events.
import * as path from 'path';
import * as vscode from 'vscode';
import { Methods, type BlockingKind, type ExportPprofResult, type Filter } from '../protocol';
import { formatDuration, formatInt, KIND_DESCRIPTIONS, KINDS } from './format';
import { findLineEvents, revealWindow } from './lineEvents';
import type { LineIndex } from './lineIndex';
import type { OutputLogger } from './log';
import { toRpcError } from './serverClient';
import { showTraceEditor } from './traceEditor';
import type { TraceRegistry, TraceSession } from './traces';

async function pickSession(registry: TraceRegistry, candidates: TraceSession[], title: string): Promise<TraceSession | undefined> {
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('Go Trace: no trace is open. Open one with "Go Trace: Open Go Trace…".');
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  if (registry.active && candidates.includes(registry.active)) return registry.active;
  const pick = await vscode.window.showQuickPick(
    candidates.map((s) => ({ label: s.name, description: vscode.workspace.asRelativePath(s.path), session: s })), { title });
  return pick?.session;
}

/** Export a blocking profile of a trace as gzip-compressed pprof (asks for the kind and where to save). */
export async function exportPprof(registry: TraceRegistry, logger: OutputLogger, session?: TraceSession, kind?: BlockingKind, filter?: Filter): Promise<void> {
  session ??= registry.active?.state === 'open' ? registry.active : await pickSession(registry, registry.openSessions(), 'Export the blocking profile of which trace?');
  if (!session) return;
  if (!kind) {
    const pick = await vscode.window.showQuickPick(
      KINDS.map((k) => ({ label: k, description: KIND_DESCRIPTIONS[k], profile: k })), { title: `Blocking profile of ${session.name}` });
    if (!pick) return;
    kind = pick.profile;
  }
  const base = session.name.replace(/\.(trace\.out|trace|out)$/i, '');
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(path.dirname(session.path), `${base}.${kind}.pb.gz`)),
    filters: { 'pprof profile': ['gz', 'pb.gz', 'pprof'] },
    title: `Save the ${kind} blocking profile of ${session.name}`,
    saveLabel: 'Export',
  });
  if (!target) return;
  try {
    const traceId = await session.whenOpen();
    const r = await registry.client.request<ExportPprofResult>(Methods.exportPprof, { traceId, kind, outputPath: target.fsPath, filter });
    logger.info(`exported ${kind} profile of ${session.path} to ${r.outputPath}: ${r.samples} samples, ${r.totalNs} ns, ${r.totalCount} events`);
    const msg = `Go Trace: wrote the ${kind} profile of ${session.name} (${formatInt(r.samples)} samples, ${formatDuration(r.totalNs)} in ${formatInt(r.totalCount)} events) to ${r.outputPath}. Read it with: go tool pprof ${r.outputPath}`;
    const action = await vscode.window.showInformationMessage(msg, 'Copy Command');
    if (action === 'Copy Command') await vscode.env.clipboard.writeText(`go tool pprof -http=: ${r.outputPath}`);
  } catch (e) {
    const err = toRpcError(e);
    logger.error(`export ${kind} of ${session.path}: ${err.message}`);
    void vscode.window.showErrorMessage(`Go Trace: could not export the ${kind} profile: ${err.message}`);
  }
}

let lastGo: vscode.TextEditor | undefined;

/** Remembers the Go editor used last (call on every active editor change). */
export function trackGoEditor(e: vscode.TextEditor | undefined): void {
  if (e?.document.languageId === 'go') lastGo = e;
}

function lastGoEditor(active: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  if (active) return active;
  const visible = vscode.window.visibleTextEditors.filter((e) => e.document.languageId === 'go');
  if (lastGo && visible.includes(lastGo)) return lastGo;
  // A Go file opened beside the trace without focus (jump to source keeps the focus in the timeline).
  return visible[0];
}

/**
 * Reveal the blocking events of a source line on the timeline. Arguments (from a CodeLens): the document, the
 * 1-based line and the trace; from the palette: the active editor's cursor line, every trace with numbers.
 */
export async function revealLineEvents(registry: TraceRegistry, index: LineIndex, logger: OutputLogger,
  uri?: vscode.Uri, line?: number, traceUri?: vscode.Uri): Promise<void> {
  // The focus may be in the trace editor (a webview: no active text editor); then the Go editor used last.
  const active = vscode.window.activeTextEditor;
  const editor = active?.document.languageId === 'go' ? active : lastGoEditor(active);
  uri ??= editor?.document.uri;
  line ??= editor ? editor.selection.active.line + 1 : undefined;
  if (!uri || !line || uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('Go Trace: put the cursor on a line of a Go file first.');
    return;
  }
  const file = uri.fsPath;
  let found = await index.forLine(file, line);
  if (traceUri) found = found.filter((f) => f.t.session.uri.toString() === traceUri.toString());
  const where = `${path.basename(file)}:${line}`;
  if (found.length === 0) {
    const n = registry.openSessions().length;
    void vscode.window.showInformationMessage(n === 0
      ? 'Go Trace: no trace is open.'
      : `Go Trace: ${where} has no blocking events in the open trace${n > 1 ? 's' : ''}.`);
    return;
  }
  const session = await pickSession(registry, found.map((f) => f.t.session), `Reveal ${where} in which trace?`);
  const chosen = found.find((f) => f.t.session === session);
  if (!session || !chosen) return;
  const tracePath = chosen.t.result.match.tracePath!;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Go Trace: finding the blocking events of ${where}`, cancellable: false },
    async () => {
      const traceId = await session.whenOpen();
      return findLineEvents((m, p) => registry.client.request(m, p), traceId, tracePath, chosen.line);
    }).then((r) => r, (e) => { void vscode.window.showErrorMessage(`Go Trace: ${toRpcError(e).message}`); return undefined; });
  if (!result) return;
  logger.info(`${where} in ${session.name}: ${result.events.length} of ${result.total} events${result.truncated ? ' (the longest)' : ''}`
    + (result.skippedKinds.length > 0 ? `; could not read ${result.skippedKinds.join(', ')}` : ''));
  if (result.events.length === 0) {
    const why = result.skippedKinds.length > 0 ? ` (the server could not list its ${result.skippedKinds.join(', ')} waits)` : '';
    void vscode.window.showInformationMessage(`Go Trace: no blocking events of ${where} found in ${session.name}${why}.`);
    return;
  }
  const panel = await showTraceEditor(session);
  if (!panel) return;
  const w = revealWindow(result.events, session.summary?.durationNs ?? 0);
  const kinds = [...new Set(result.events.map((e) => e.kind))].join('/');
  await panel.webview.postMessage({
    type: 'reveal',
    startNs: w.startNs,
    endNs: w.endNs,
    spans: result.events.map((e) => ({ goroutine: e.goroutine, timeNs: e.timeNs })),
    label: `${where} — ${kinds} blocking, ${result.truncated ? `the ${result.events.length} longest of ` : ''}${result.total} event${result.total === 1 ? '' : 's'}`,
  });
}
