// Deep links, the VS Code side: the command "Go Trace: Copy Link to View" (palette, and the webview's "Copy link"
// button) and the URI handler that opens such a link: the trace in the trace editor, then its window and selection
// (`restoreView`). The link's format and parsing are in deepLink.ts.

import * as fs from 'fs';
import * as vscode from 'vscode';
import { formatViewLink, latestViews, parseViewLink, restoredWindow } from './deepLink';
import type { OutputLogger } from './log';
import { showTraceEditor } from './traceEditor';
import { TraceRegistry, type TraceSession } from './traces';

/** Copies a link to the current view of `uri`'s trace (else the active trace editor's) to the clipboard. */
export async function copyViewLink(registry: TraceRegistry, extensionId: string, logger: OutputLogger, uri?: vscode.Uri): Promise<void> {
  const session: TraceSession | undefined = (uri && registry.get(uri)) || registry.active
    || (registry.openSessions().length === 1 ? registry.openSessions()[0] : undefined);
  if (!session) {
    void vscode.window.showInformationMessage('Go Trace: open a trace in the trace editor first.');
    return;
  }
  const view = latestViews.get(session);
  const link = formatViewLink(vscode.env.uriScheme, extensionId, {
    path: session.uri.fsPath, startNs: view?.startNs, endNs: view?.endNs, goroutine: view?.goroutine, timeNs: view?.timeNs,
  });
  await vscode.env.clipboard.writeText(link);
  logger.info(`copied a link to ${session.name}: ${link}`);
  void vscode.window.setStatusBarMessage('Go Trace: link to this view copied', 4000);
}

/** Opens `<scheme>://<id>/open?path=…` links: the trace in its editor, then the linked window and selection. */
export function registerViewLinkHandler(registry: TraceRegistry, logger: OutputLogger): vscode.Disposable {
  return vscode.window.registerUriHandler({
    handleUri: async (uri: vscode.Uri) => {
      const parsed = parseViewLink(uri.path, uri.query);
      if (!parsed.ok) {
        logger.warn(`link ${uri.toString(true)}: ${parsed.error}`);
        void vscode.window.showErrorMessage(`Go Trace: cannot open this link: ${parsed.error}`);
        return;
      }
      const link = parsed.link;
      let isFile = false;
      try { isFile = (await fs.promises.stat(link.path)).isFile(); } catch { isFile = false; }
      if (!isFile) {
        void vscode.window.showErrorMessage(`Go Trace: the linked trace ${link.path} is not on this machine.`);
        return;
      }
      const fileUri = vscode.Uri.file(link.path);
      let session = registry.get(fileUri);
      if (!session || session.state === 'closed') {
        await vscode.commands.executeCommand('vscode.openWith', fileUri, TraceRegistry.viewTypeFor(link.path));
        session = registry.get(fileUri);
      }
      if (!session) {
        void vscode.window.showErrorMessage(`Go Trace: could not open ${link.path}.`);
        return;
      }
      const panel = await showTraceEditor(session);
      if (!panel) return;
      let durationNs = session.summary?.durationNs;
      if (durationNs === undefined) {
        try { await session.whenOpen(); durationNs = session.summary?.durationNs; } catch { return; } // the editor shows why
      }
      const w = restoredWindow(link, durationNs ?? 1);
      logger.info(`opening a link to ${session.name}: [${w.startNs}, ${w.endNs}]${link.goroutine !== undefined ? ` G${link.goroutine}` : ''}`);
      await panel.webview.postMessage({ type: 'restoreView', ...w, goroutine: link.goroutine, timeNs: link.timeNs });
    },
  });
}
