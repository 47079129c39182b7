// Lines with significant blocking, in Go editors: a heat mark (a bar at the left edge of the line, coloured by
// the line's share of the trace's blocking time, plus the time at the end of the line) and/or a CodeLens that
// runs the reverse navigation. Style and threshold are settings; "Toggle Blocking Annotations" flips them on
// and off. A line is significant when its cumulative time of a kind is at least `threshold` percent of the
// trace's total for that kind.

import * as vscode from 'vscode';
import { formatLensTitle, heatLabel, KINDS } from './format';
import type { LineIndex, TraceLines } from './lineIndex';
import type { LineNumbers } from '../protocol';

export type AnnotationStyle = 'gutter' | 'codeLens' | 'both';

function config() {
  const c = vscode.workspace.getConfiguration('gotrace');
  return {
    enabled: c.get<boolean>('annotations.enabled', true),
    style: c.get<AnnotationStyle>('annotations.style', 'gutter'),
    threshold: Math.max(0, c.get<number>('annotations.threshold', 1)),
  };
}

export interface SignificantLine { t: TraceLines; line: LineNumbers; share: number }

/** The lines of `file` at or above the threshold in each trace, with their largest share of a kind's total. */
export async function significantLines(index: LineIndex, file: string, thresholdPercent: number): Promise<SignificantLine[]> {
  const out: SignificantLine[] = [];
  for (const t of await index.allForFile(file)) {
    const totals = Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, await index.totalNs(t.session, k)] as const)));
    for (const line of t.result.lines) {
      let share = 0;
      for (const k of KINDS) {
        const v = line[k];
        if (v && totals[k] > 0) share = Math.max(share, v.cumNs / totals[k]);
      }
      if (share > 0 && share * 100 >= thresholdPercent) out.push({ t, line, share });
    }
  }
  return out;
}

const HEAT_LEVELS = [0.05, 0.15, 0.35, 1.01];



export class Annotations implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly heat: vscode.TextEditorDecorationType[];
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly index: LineIndex) {
    this.heat = HEAT_LEVELS.map((_, i) => vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      borderStyle: 'solid',
      borderWidth: '0 0 0 3px',
      borderColor: `rgba(230, 80, 30, ${0.3 + 0.23 * i})`,
      overviewRulerColor: `rgba(230, 80, 30, ${0.3 + 0.23 * i})`,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    }));
    this.disposables.push(
      index.onDidChange(() => this.refresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('gotrace.annotations')) this.refresh(); }),
    );
  }

  refresh(): void {
    this.lensEmitter.fire();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.decorateVisible(); }, 100);
  }

  private async decorateVisible(): Promise<void> {
    const c = config();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.languageId !== 'go' || editor.document.uri.scheme !== 'file') continue;
      const ranges: vscode.DecorationOptions[][] = HEAT_LEVELS.map(() => []);
      if (c.enabled && c.style !== 'codeLens') {
        const lines = await significantLines(this.index, editor.document.uri.fsPath, c.threshold);
        const byLine = new Map<number, SignificantLine[]>();
        for (const s of lines) byLine.set(s.line.line, [...(byLine.get(s.line.line) ?? []), s]);
        for (const [ln, items] of byLine) {
          if (ln < 1 || ln > editor.document.lineCount) continue;
          const share = Math.max(...items.map((s) => s.share));
          const level = HEAT_LEVELS.findIndex((h) => share < h);
          const range = editor.document.lineAt(ln - 1).range;
          ranges[level < 0 ? HEAT_LEVELS.length - 1 : level].push({ range, renderOptions: { after: {
            contentText: `    blocking: ${heatLabel(items)}`,
            color: new vscode.ThemeColor('editorCodeLens.foreground'),
            fontStyle: 'italic',
          } } });
        }
      }
      this.heat.forEach((type, i) => editor.setDecorations(type, ranges[i]));
    }
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const c = config();
    if (!c.enabled || c.style === 'gutter' || doc.uri.scheme !== 'file') return [];
    const lines = await significantLines(this.index, doc.uri.fsPath, c.threshold);
    return lines.filter((s) => s.line.line >= 1 && s.line.line <= doc.lineCount).map((s) => {
      const range = doc.lineAt(s.line.line - 1).range;
      return new vscode.CodeLens(range, {
        title: formatLensTitle(s.line, s.t.session.name) + ' — reveal on timeline',
        command: 'gotrace.revealLineEvents',
        arguments: [doc.uri, s.line.line, s.t.session.uri],
      });
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    for (const h of this.heat) h.dispose();
    this.lensEmitter.dispose();
  }
}

/** The toggle command: flips gotrace.annotations.enabled (where it is set, else for the user). */
export async function toggleAnnotations(): Promise<boolean> {
  const c = vscode.workspace.getConfiguration('gotrace');
  const next = !c.get<boolean>('annotations.enabled', true);
  const inspected = c.inspect<boolean>('annotations.enabled');
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update('annotations.enabled', next, target);
  void vscode.window.setStatusBarMessage(`Go Trace: blocking annotations ${next ? 'on' : 'off'}`, 4000);
  return next;
}
