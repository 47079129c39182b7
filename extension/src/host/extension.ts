// Entry point of the extension host side: wires the server client, the trace editor, jump to source,
// hovers, annotations and the commands. The server is started lazily, when the first trace opens.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { Annotations, toggleAnnotations } from './annotations';
import { exportPprof, revealLineEvents, trackGoEditor } from './commands';
import { copyViewLink, registerViewLinkHandler } from './deepLinkHandler';
import { forgetGoEnv } from './goEnv';
import { BlockingHoverProvider } from './hover';
import { LineIndex } from './lineIndex';
import { currentLogLevel, OutputLogger } from './log';
import { GoTraceClient } from './serverClient';
import { locateServer } from './serverLocation';
import { SourceNavigator } from './sourceNavigator';
import { TraceEditorProvider } from './traceEditor';
import { TraceRegistry } from './traces';
import { isSniffCandidate, sniffGoTrace, SNIFF_BYTES } from './traceSniff';

let client: GoTraceClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const logger = new OutputLogger();
  const version = (context.extension.packageJSON as { version?: string }).version;
  client = new GoTraceClient({
    launch: () => locateServer({
      extensionPath: context.extensionPath,
      settingPath: vscode.workspace.getConfiguration('gotrace').get<string>('server.path', ''),
      envPath: process.env.GOTRACE_SERVER,
      platform: process.platform,
      arch: process.arch,
      exists: (p) => fs.existsSync(p),
    }),
    logger,
    logLevel: currentLogLevel,
    clientName: 'vscode-go-trace-viewer',
    clientVersion: version,
  });
  const registry = new TraceRegistry(client, logger);
  const navigator = new SourceNavigator(logger);
  const index = new LineIndex(registry, logger);
  const annotations = new Annotations(index);
  const c = client;

  context.subscriptions.push(
    logger, registry, navigator, index, annotations,
    TraceEditorProvider.register(context, {
      registry, navigator, logger,
      exportPprof: (s, kind, filter) => exportPprof(registry, logger, s, kind, filter),
    }),
    vscode.languages.registerHoverProvider({ language: 'go', scheme: 'file' }, new BlockingHoverProvider(index)),
    vscode.languages.registerCodeLensProvider({ language: 'go', scheme: 'file' }, annotations),

    vscode.commands.registerCommand('gotrace.openTrace', async (uri?: vscode.Uri) => {
      if (!(uri instanceof vscode.Uri)) {
        const picked = await vscode.window.showOpenDialog({
          canSelectMany: false, openLabel: 'Open Trace', title: 'Open a Go execution trace',
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
          filters: { 'Go execution traces': ['trace', 'out'], 'All files': ['*'] },
        });
        uri = picked?.[0];
      }
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, TraceRegistry.viewTypeFor(uri.fsPath));
    }),
    vscode.commands.registerCommand('gotrace.exportPprof', () => exportPprof(registry, logger)),
    vscode.commands.registerCommand('gotrace.toggleAnnotations', () => toggleAnnotations()),
    vscode.commands.registerCommand('gotrace.revealLineEvents', (uri?: vscode.Uri, line?: number, traceUri?: vscode.Uri) =>
      revealLineEvents(registry, index, logger, uri instanceof vscode.Uri ? uri : undefined, typeof line === 'number' ? line : undefined,
        traceUri instanceof vscode.Uri ? traceUri : undefined)),
    vscode.commands.registerCommand('gotrace.restartServer', async () => {
      try {
        await c.restart();
        registry.reopenFailed();
        void vscode.window.setStatusBarMessage('Go Trace: server restarted', 4000);
      } catch (e) {
        void vscode.window.showErrorMessage(`Go Trace: ${e instanceof Error ? e.message : e}`, 'Show Log').then((p) => { if (p) logger.show(); });
      }
    }),
    vscode.commands.registerCommand('gotrace.showLog', () => logger.show()),
    vscode.commands.registerCommand('gotrace.copyViewLink', (uri?: vscode.Uri) =>
      copyViewLink(registry, context.extension.id, logger, uri instanceof vscode.Uri ? uri : undefined)),
    registerViewLinkHandler(registry, logger),

    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gotrace.server.path') || e.affectsConfiguration('gotrace.server.logLevel')) {
        logger.info('server settings changed; they apply from the next server start ("Go Trace: Restart Server")');
      }
    }),
    vscode.window.onDidChangeWindowState((s) => { if (s.focused) forgetGoEnv(); }),
    vscode.window.onDidChangeActiveTextEditor(trackGoEditor),
    { dispose: () => c.dispose() },
  );
  void vscode.commands.executeCommand('setContext', 'gotrace.hasOpenTraces', false);
  trackGoEditor(vscode.window.activeTextEditor);

  // `.out` is a generic extension, so the trace editor is only an option for it: a `.out` file opened as text
  // (or shown as binary) whose first bytes are a Go trace header is reopened in the trace editor.
  const reopenIfTrace = async (tab: vscode.Tab) => {
    if (!vscode.workspace.getConfiguration('gotrace').get<boolean>('openOutFilesAsTraces', true)) return;
    if (!(tab.input instanceof vscode.TabInputText) || tab.input.uri.scheme !== 'file') return;
    const uri = tab.input.uri;
    if (!isSniffCandidate(uri.fsPath)) return;
    let head: Buffer;
    try {
      const fd = await fs.promises.open(uri.fsPath, 'r');
      try {
        head = Buffer.alloc(SNIFF_BYTES);
        const { bytesRead } = await fd.read(head, 0, SNIFF_BYTES, 0);
        head = head.subarray(0, bytesRead);
      } finally { await fd.close(); }
    } catch { return; }
    const version = sniffGoTrace(head);
    if (!version) return;
    logger.info(`${uri.fsPath} starts with a Go ${version} trace header: reopening it in the trace editor`);
    const column = tab.group.viewColumn;
    await vscode.commands.executeCommand('vscode.openWith', uri, TraceRegistry.anyViewType, { viewColumn: column, preview: tab.isPreview });
    const stale = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) =>
      t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
    if (stale.length > 0) await vscode.window.tabGroups.close(stale);
  };
  context.subscriptions.push(vscode.window.tabGroups.onDidChangeTabs((e) => {
    for (const t of [...e.opened, ...e.changed]) void reopenIfTrace(t);
  }));
  for (const t of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) void reopenIfTrace(t);
  logger.info(`Go Trace Viewer ${version ?? ''} activated`);
}

export async function deactivate(): Promise<void> {
  await client?.stop(1500);
  client = undefined;
}
