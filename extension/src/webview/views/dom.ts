// Small DOM helpers of the analysis views. Text goes in with textContent only (nothing from a trace is HTML).

import { RequestError } from '../host';

export interface ElOptions {
  className?: string;
  text?: string;
  title?: string;
  testid?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, o: ElOptions = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (o.className) e.className = o.className;
  if (o.text !== undefined) e.textContent = o.text;
  if (o.title) e.title = o.title;
  if (o.testid) e.dataset.testid = o.testid;
  if (o.attrs) for (const [k, v] of Object.entries(o.attrs)) e.setAttribute(k, v);
  if (children.length > 0) e.append(...children);
  return e;
}

export function button(text: string, title: string, onClick: () => void, o: ElOptions = {}): HTMLButtonElement {
  const b = el('button', { ...o, text, title });
  b.type = 'button';
  b.addEventListener('click', (e) => { e.stopPropagation(); onClick(); });
  return b;
}

/** A link-looking button (e.g. a source position). */
export function linkButton(text: string, title: string, onClick: () => void, o: ElOptions = {}): HTMLButtonElement {
  return button(text, title, onClick, { ...o, className: `link-button ${o.className ?? ''}`.trim() });
}

export function message(text: string, testid?: string, className = 'view-message'): HTMLElement {
  return el('p', { className, text, testid });
}

export function errorText(e: unknown): string {
  if (e instanceof RequestError) return e.message;
  return String((e as Error)?.message ?? e);
}

export function isCancelled(e: unknown): boolean {
  return e instanceof RequestError && e.cancelled;
}

/** A labelled figure: "Duration" / "113 ms". */
export function fact(label: string, value: string, testid?: string, title?: string): HTMLElement {
  return el('div', { className: 'fact', testid, title }, [
    el('div', { className: 'fact-label', text: label }),
    el('div', { className: 'fact-value', text: value }),
  ]);
}

/** The first user frame of a site (index `userFrame`) as "func file:line". */
export function frameText(f: { func: string; file: string; line: number }): string {
  return `${f.func} ${shortPath(f.file)}:${f.line}`;
}

export function shortPath(file: string): string {
  const parts = file.split(/[\\/]/).filter((p) => p.length > 0);
  return parts.slice(-2).join('/');
}
