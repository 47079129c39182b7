// The trace editor's HTML: a strict Content Security Policy with a per-load cryptographic nonce; the only
// script and stylesheet are the extension's own out/webview.js and out/webview.css. Pure (the caller passes
// the URIs as strings and the webview's cspSource).

import * as crypto from 'crypto';
import { escapeHtml } from './format';

/** 128 random bits, base64 (a CSP nonce). */
export function makeNonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

export interface HtmlInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** The document's title (the trace file name): escaped here. */
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function buildWebviewHtml(input: HtmlInput): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(input.nonce)) throw new Error('a nonce is base64 of at least 12 bytes');
  const a = (s: string) => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${a(input.nonce)}" href="${a(input.styleUri)}">
<title>${a(input.title)}</title>
</head>
<body>
<div id="app" data-gotrace-root></div>
<script nonce="${a(input.nonce)}" src="${a(input.scriptUri)}"></script>
</body>
</html>
`;
}
