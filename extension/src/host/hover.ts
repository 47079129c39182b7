// Hover on a line of Go code: its blocking numbers in every open trace (format.ts builds the text; every
// trace-derived string is escaped; the MarkdownString is neither trusted nor HTML-enabled).
import * as vscode from 'vscode';
import { formatLineHover } from './format';
import type { LineIndex } from './lineIndex';

export class BlockingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly index: LineIndex) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (doc.uri.scheme !== 'file') return undefined;
    if (!vscode.workspace.getConfiguration('gotrace').get<boolean>('hover.enabled', true)) return undefined;
    const found = await this.index.forLine(doc.uri.fsPath, pos.line + 1);
    if (token.isCancellationRequested || found.length === 0) return undefined;
    const text = found.map(({ t, line }) => formatLineHover({ traceName: t.session.name, match: t.result.match, line })).join('\n\n---\n\n');
    const md = new vscode.MarkdownString(text, false);
    md.isTrusted = false;
    md.supportHtml = false;
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }
}
