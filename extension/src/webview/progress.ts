// The view shown while the server indexes the trace: bytes and events read, a bar, and Cancel.

import { formatBytes, formatCount } from './format';
import type { ProgressMessage } from './messages';

export class ProgressView {
  readonly element: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly line: HTMLElement;
  private readonly cancel: HTMLButtonElement;
  private readonly title: HTMLElement;

  constructor(path: string, onCancel: () => void) {
    const e = document.createElement('div');
    e.className = 'center-view progress-view';
    this.title = document.createElement('h2');
    this.title.textContent = 'Reading the trace…';
    const p = document.createElement('p');
    p.className = 'path';
    p.textContent = path;
    this.bar = document.createElement('progress');
    this.bar.max = 1;
    this.bar.removeAttribute('value'); // indeterminate until the first progress
    this.bar.setAttribute('aria-label', 'Indexing progress');
    this.line = document.createElement('p');
    this.line.className = 'progress-line';
    this.line.setAttribute('aria-live', 'polite');
    this.line.textContent = 'Starting…';
    this.cancel = document.createElement('button');
    this.cancel.className = 'action';
    this.cancel.textContent = 'Cancel';
    this.cancel.addEventListener('click', () => {
      this.cancel.disabled = true;
      this.cancel.textContent = 'Cancelling…';
      onCancel();
    });
    e.append(this.title, p, this.bar, this.line, this.cancel);
    this.element = e;
  }

  update(m: Pick<ProgressMessage, 'bytesRead' | 'totalBytes' | 'events'>): void {
    if (m.totalBytes > 0) {
      this.bar.max = m.totalBytes;
      this.bar.value = Math.min(m.bytesRead, m.totalBytes);
    }
    const pct = m.totalBytes > 0 ? ` (${Math.floor((100 * m.bytesRead) / m.totalBytes)}%)` : '';
    this.line.textContent = `${formatBytes(m.bytesRead)} of ${formatBytes(m.totalBytes)}${pct} · ${formatCount(m.events)} event${m.events === 1 ? '' : 's'}`;
  }

  focus(): void { this.cancel.focus(); }
}
