// Jump to source: maps a trace's source path to a local file (pathMapping.ts), opens it beside the trace at
// the line and highlights that line until the selection leaves it. When nothing matches it says why and offers
// "Locate File…", whose answer becomes a path substitution in the settings.

import * as fs from 'fs';
import * as vscode from 'vscode';
import type { SourceRef } from '../webview/messages';
import { goEnv } from './goEnv';
import { impliedSubstitution, resolveTracePath, type Resolution, type ResolveIO, type Substitution } from './pathMapping';
import type { OutputLogger } from './log';

export function getSubstitutions(): Substitution[] {
  const v = vscode.workspace.getConfiguration('gotrace').get<unknown>('pathSubstitutions', []);
  return Array.isArray(v) ? v.filter((s): s is Substitution => !!s && typeof s.from === 'string' && typeof s.to === 'string') : [];
}

/** `[` `]` `{` `}` `*` `?` in a file name would be read as glob syntax. */
function globEscape(name: string): string {
  return name.replace(/[[\]{}*?!]/g, (c) => `[${c}]`);
}

const workspaceIO: ResolveIO = {
  async exists(p: string) {
    try { return (await fs.promises.stat(p)).isFile(); } catch { return false; }
  },
  async findByBaseName(base: string) {
    if (!vscode.workspace.workspaceFolders?.length) return [];
    const uris = await vscode.workspace.findFiles(`**/${globEscape(base)}`, '**/node_modules/**', 500);
    return uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  },
  goEnv,
};

export interface OpenOptions { preserveFocus: boolean; viewColumn?: vscode.ViewColumn }

export class SourceNavigator implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<Resolution>>();
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });
  private highlighted: { editor: vscode.TextEditor; line: number } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly logger: OutputLogger, private readonly io: ResolveIO = workspaceIO) {
    const forget = () => this.cache.clear();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('gotrace.pathSubstitutions')) forget(); }),
      vscode.workspace.onDidCreateFiles(forget),
      vscode.workspace.onDidDeleteFiles(forget),
      vscode.workspace.onDidRenameFiles(forget),
      vscode.workspace.onDidChangeWorkspaceFolders(forget),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        const h = this.highlighted;
        if (h && e.textEditor === h.editor && !e.selections.some((s) => s.active.line === h.line)) this.clearHighlight();
      }),
      vscode.window.onDidChangeVisibleTextEditors((eds) => {
        if (this.highlighted && !eds.includes(this.highlighted.editor)) this.highlighted = undefined;
      }),
    );
  }

  resolve(tracePath: string): Promise<Resolution> {
    let r = this.cache.get(tracePath);
    if (!r) {
      r = resolveTracePath(tracePath, getSubstitutions(), this.io);
      this.cache.set(tracePath, r);
      r.catch(() => this.cache.delete(tracePath));
    }
    return r;
  }

  /**
   * Opens the first of `refs` that maps to a local file (a stack's frames, innermost first: when the clicked
   * frame is in a file we cannot find, the next one is shown instead, and the log says so). Nothing found:
   * offers to locate the first.
   */
  async openFirst(refs: SourceRef[], options: OpenOptions): Promise<boolean> {
    const usable = refs.filter((r) => r.file && r.line > 0);
    if (usable.length === 0) {
      void vscode.window.showInformationMessage('Go Trace: this event has no source position.');
      return false;
    }
    let firstNotes: string[] = [];
    for (const [i, ref] of usable.entries()) {
      const res = await this.resolve(ref.file);
      if (i === 0) firstNotes = res.notes;
      if (res.path) {
        if (i > 0) this.logger.info(`${usable[0].file} not found; showing the next frame that is: ${ref.file}:${ref.line}`);
        if (res.ambiguous && res.ambiguous.length > 0) {
          this.logger.warn(`${ref.file}: ${res.ambiguous.length + 1} workspace files match ${res.matched} path elements; chose ${res.path} (others: ${res.ambiguous.join(', ')})`);
          void vscode.window.setStatusBarMessage(`Go Trace: ${ref.file} matches ${res.ambiguous.length + 1} files; opened ${vscode.workspace.asRelativePath(res.path)}`, 8000);
        }
        this.logger.debug(`${ref.file} -> ${res.path} (${res.via}${res.matched ? `, ${res.matched} elements` : ''})`);
        await this.show(vscode.Uri.file(res.path), ref.line, options);
        return true;
      }
    }
    await this.offerLocate(usable[0], firstNotes, options);
    return false;
  }

  /** Opens `uri` at the 1-based `line`, selects and reveals it, and highlights the line. */
  async show(uri: vscode.Uri, line: number, options: OpenOptions): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const l = Math.min(Math.max(line - 1, 0), Math.max(doc.lineCount - 1, 0));
    const text = doc.lineAt(l);
    const sel = new vscode.Selection(l, text.firstNonWhitespaceCharacterIndex, l, text.firstNonWhitespaceCharacterIndex);
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: options.viewColumn ?? vscode.ViewColumn.Beside,
      preserveFocus: options.preserveFocus,
      selection: sel,
      preview: true,
    });
    editor.revealRange(text.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.clearHighlight();
    editor.setDecorations(this.highlight, [text.range]);
    this.highlighted = { editor, line: l };
    return editor;
  }

  private clearHighlight(): void {
    if (this.highlighted) this.highlighted.editor.setDecorations(this.highlight, []);
    this.highlighted = undefined;
  }

  private async offerLocate(ref: SourceRef, notes: string[], options: OpenOptions): Promise<void> {
    this.logger.warn(`cannot find ${ref.file}: ${notes.join('; ')}`);
    const pick = await vscode.window.showWarningMessage(
      `Go Trace: cannot find ${ref.file} (line ${ref.line}) on this machine. ${notes.join('; ')}.`,
      'Locate File…', 'Show Log');
    if (pick === 'Show Log') { this.logger.show(); return; }
    if (pick !== 'Locate File…') return;
    const base = ref.file.split(/[\\/]/).pop() ?? '';
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: `Use as ${base}`,
      title: `Locate ${ref.file}`,
      filters: base.endsWith('.go') ? { 'Go files': ['go'], 'All files': ['*'] } : undefined,
    });
    if (!picked || picked.length === 0) return;
    const local = picked[0].fsPath;
    const sub = impliedSubstitution(ref.file, local);
    await addSubstitution(sub);
    this.cache.clear();
    this.logger.info(`path substitution added: ${sub.from} -> ${sub.to}`);
    void vscode.window.setStatusBarMessage(`Go Trace: paths under ${sub.from} now map to ${sub.to} (setting gotrace.pathSubstitutions)`, 10000);
    await this.show(picked[0], ref.line, options);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.highlight.dispose();
  }
}

/** Adds a substitution to gotrace.pathSubstitutions (the workspace's when a folder is open, else the user's). */
export async function addSubstitution(sub: Substitution): Promise<void> {
  const config = vscode.workspace.getConfiguration('gotrace');
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = config.inspect<Substitution[]>('pathSubstitutions');
  const current = (target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const next = [sub, ...current.filter((s) => s.from !== sub.from)];
  await config.update('pathSubstitutions', next, target);
}
