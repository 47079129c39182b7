// The read-only custom editor of trace files: creates the webview (strict CSP, nonce, only out/ readable),
// and implements the host side of src/webview/messages.ts.
//
// retainContextWhenHidden is off: the webview keeps its view state with vscode.setState, and a hidden tab
// costs no memory; when it is shown again its script reloads, says `ready`, and gets `init` with the summary
// of the already-open trace (no second read of the file).

import * as vscode from 'vscode';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../protocol';
import type { BlockingKind, Filter } from '../protocol';
import type { HostToWebview } from '../webview/messages';
import { buildWebviewHtml, makeNonce } from './webviewHtml';
import { latestViews } from './deepLink';
import { parseWebviewMessage, withTraceId } from './webviewMessages';
import { toRpcError } from './serverClient';
import { TraceRegistry, type TraceSession } from './traces';
import type { SourceNavigator } from './sourceNavigator';
import type { OutputLogger } from './log';

export interface EditorServices {
  registry: TraceRegistry;
  navigator: SourceNavigator;
  logger: OutputLogger;
  exportPprof: (session: TraceSession, kind?: BlockingKind, filter?: Filter) => Promise<void>;
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceSession> {
  constructor(private readonly context: vscode.ExtensionContext, private readonly services: EditorServices) {}

  static register(context: vscode.ExtensionContext, services: EditorServices): vscode.Disposable {
    const provider = new TraceEditorProvider(context, services);
    const options = {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false, enableFindWidget: false },
    };
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(TraceRegistry.viewType, provider, options),
      vscode.window.registerCustomEditorProvider(TraceRegistry.anyViewType, provider, options),
    );
  }

  openCustomDocument(uri: vscode.Uri): TraceSession {
    const existing = this.services.registry.get(uri);
    const session = existing && existing.state !== 'closed' ? existing : this.services.registry.create(uri);
    session.refs++;
    return session;
  }

  resolveCustomEditor(session: TraceSession, panel: vscode.WebviewPanel): void {
    const { registry, logger } = this.services;
    const outDir = vscode.Uri.joinPath(this.context.extensionUri, 'out');
    const webview = panel.webview;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [outDir] };
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(outDir, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(outDir, 'webview.css')).toString(),
      title: session.name,
    });
    session.panels.add(panel);
    if (panel.active) registry.active = session;

    const pending = new Map<number, CancellationTokenSource>();
    const post = (m: HostToWebview) => void webview.postMessage(m);
    const disposables: vscode.Disposable[] = [];

    disposables.push(webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = parseWebviewMessage(raw);
      if (!parsed.ok) {
        logger.warn(`webview ${session.name}: ${parsed.error}`);
        if (parsed.requestId !== undefined) {
          post({ type: 'response', requestId: parsed.requestId, error: { code: -32601, message: parsed.error } });
        }
        return;
      }
      const m = parsed.message;
      switch (m.type) {
        case 'ready':
          markReady(panel, true);
          post({ type: 'init', path: session.path, summary: session.state === 'open' ? session.summary : undefined });
          post({ type: 'theme', kind: vscode.window.activeColorTheme.kind });
          if (session.state === 'opening' && session.lastProgress) {
            const p = session.lastProgress;
            post({ type: 'progress', bytesRead: p.bytesRead, totalBytes: p.totalBytes, events: p.events });
          } else if (session.state === 'open' && session.summary) {
            post({ type: 'opened', summary: session.summary, damage: session.summary.damage });
          } else if (session.state === 'failed' && session.failure) {
            post({ type: 'openFailed', message: session.failure.message, cancelled: session.failure.cancelled });
          }
          break;
        case 'request': {
          const cts = new CancellationTokenSource();
          pending.get(m.requestId)?.cancel();
          pending.set(m.requestId, cts);
          try {
            const traceId = await session.whenOpen();
            const result = await registry.client.request(m.method, withTraceId(m.params, traceId), cts.token);
            if (!cts.token.isCancellationRequested) post({ type: 'response', requestId: m.requestId, result });
            else post({ type: 'response', requestId: m.requestId, error: { code: ErrorCodes.requestCancelled, message: 'cancelled' } });
          } catch (e) {
            const err = toRpcError(e);
            if (err.code !== ErrorCodes.requestCancelled) logger.debug(`${m.method} for ${session.name}: ${err.code} ${err.message}`);
            post({ type: 'response', requestId: m.requestId, error: err.data === undefined ? { code: err.code, message: err.message } : err });
          } finally {
            if (pending.get(m.requestId) === cts) pending.delete(m.requestId);
            cts.dispose();
          }
          break;
        }
        case 'cancelRequest':
          pending.get(m.requestId)?.cancel();
          break;
        case 'cancelOpen':
          session.cancelOpen();
          break;
        case 'openSource': {
          const refs = [m.target, ...(m.frames ?? []).filter((f) => f.file !== m.target.file || f.line !== m.target.line)];
          await this.services.navigator.openFirst(refs, {
            preserveFocus: m.preserveFocus ?? false,
            viewColumn: vscode.ViewColumn.Beside,
          });
          break;
        }
        case 'exportPprof':
          await this.services.exportPprof(session, m.kind, m.filter as Filter | undefined);
          break;
        case 'log':
          logger.log(m.level, `[webview ${session.name}] ${m.message}`);
          break;
        case 'viewState': // deep links (deepLinkHandler.ts): what "Copy Link to View" links to
          latestViews.set(session, { startNs: m.startNs, endNs: m.endNs, goroutine: m.goroutine, timeNs: m.timeNs });
          break;
        case 'copyLink':
          latestViews.set(session, m.view);
          await vscode.commands.executeCommand('gotrace.copyViewLink', session.uri);
          break;
      }
    }));

    disposables.push(panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) registry.active = session;
      // Without retainContextWhenHidden a hidden webview's page is discarded; it says `ready` again when shown.
      if (!e.webviewPanel.visible) markReady(panel, false);
    }));
    disposables.push(vscode.window.onDidChangeActiveColorTheme((t) => post({ type: 'theme', kind: t.kind })));
    disposables.push(panel.onDidDispose(() => {
      for (const c of pending.values()) c.cancel();
      pending.clear();
      session.panels.delete(panel);
      markReady(panel, false);
      for (const d of disposables) d.dispose();
    }));
  }
}

const readiness = new WeakMap<vscode.WebviewPanel, { ready: boolean; waiters: (() => void)[] }>();

function markReady(panel: vscode.WebviewPanel, ready: boolean): void {
  const r = readiness.get(panel) ?? { ready: false, waiters: [] };
  r.ready = ready;
  readiness.set(panel, r);
  if (ready) for (const w of r.waiters.splice(0)) w();
}

/** Resolves true when the panel's page has said `ready` (false after `timeoutMs`). */
export function whenPanelReady(panel: vscode.WebviewPanel, timeoutMs = 15_000): Promise<boolean> {
  const r = readiness.get(panel) ?? { ready: false, waiters: [] };
  readiness.set(panel, r);
  if (r.ready) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    r.waiters.push(() => { clearTimeout(t); resolve(true); });
  });
}

/** Shows the trace's editor (focusing an existing tab when there is one) and returns a panel of it, ready. */
export async function showTraceEditor(session: TraceSession): Promise<vscode.WebviewPanel | undefined> {
  let panel = [...session.panels].find((p) => p.visible) ?? [...session.panels][0];
  if (panel) panel.reveal(panel.viewColumn, false);
  else {
    await vscode.commands.executeCommand('vscode.openWith', session.uri, TraceRegistry.viewTypeFor(session.path));
    panel = [...session.panels][0];
  }
  if (panel) await whenPanelReady(panel);
  return panel;
}
