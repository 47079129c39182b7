// The `?` overlay: every key and mouse gesture of the timeline.

export const KEYS: readonly [string, string][] = [
  ['W / S', 'zoom in / out around the mouse pointer (or the centre)'],
  ['A / D, ← / →', 'pan left / right'],
  ['↑ / ↓, PageUp / PageDown', 'scroll the rows'],
  ['Home or 0', 'show the whole trace'],
  ['End', 'scroll to the last row'],
  ['Enter', 'zoom to the selected time range (else to the selected span)'],
  ['F', 'zoom to the selected span'],
  [', / .', 'select the previous / next span of the selected row (the first row in view when nothing is selected)'],
  ['J / K, Shift+↓ / Shift+↑', 'select the span at the same time in the row below / above'],
  ['/ or Ctrl+F', 'search: goroutines by ID (G123), function or group; regions, tasks and logs by name (↑/↓ and Enter pick a result)'],
  ['T', 'go to time (12.5ms, 1.2s, 350µs or ns since the start; Enter goes)'],
  ['G', 'go to goroutine (its ID; Enter goes)'],
  ['U', 'follow the unblocker of the selected wait (or the goroutine a runnable span names)'],
  ['B or Backspace', 'back to the view before the last jump (follow, search result, go to)'],
  ['C', 'show / hide the causality arrows (unblock and create) between the rows in view'],
  ['Esc', 'clear the range, then the highlight, then the time marker, then the selection; close this help; leave a field'],
  ['?', 'show / hide this help'],
  ['Tab', 'move between the timeline, the toolbar and the links of the details pane'],
];

export const MOUSE: readonly [string, string][] = [
  ['Click', 'select a span, an instant or a counter value; a blocking span also opens its Go line'],
  ['Click a section or group name', 'collapse / expand it'],
  ['Drag', 'select a time range (its duration is shown); Enter or “Zoom to range” zooms to it'],
  ['Double-click', 'zoom to the span'],
  ['Ctrl/⌘ + wheel, Alt + wheel, pinch', 'zoom around the pointer'],
  ['Wheel', 'scroll the rows'],
  ['Shift + wheel, horizontal wheel / swipe', 'pan in time'],
  ['Drag the time axis, middle-button drag', 'pan'],
  ['Drag the line between names and plot', 'widen / narrow the names'],
];

export class HelpOverlay {
  readonly element: HTMLElement;
  private lastFocus: HTMLElement | null = null;

  constructor() {
    const o = document.createElement('div');
    o.className = 'overlay help-overlay';
    o.hidden = true;
    o.setAttribute('role', 'dialog');
    o.setAttribute('aria-modal', 'true');
    o.setAttribute('aria-label', 'Keyboard and mouse');
    const box = document.createElement('div');
    box.className = 'overlay-box';
    const h = document.createElement('h2');
    h.textContent = 'Keyboard and mouse';
    box.appendChild(h);
    box.appendChild(table('Keys (click the timeline first)', KEYS));
    box.appendChild(table('Mouse', MOUSE));
    const close = document.createElement('button');
    close.className = 'action';
    close.textContent = 'Close';
    close.addEventListener('click', () => this.hide());
    box.appendChild(close);
    o.appendChild(box);
    o.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' || e.key === '?') { e.preventDefault(); e.stopPropagation(); this.hide(); }
    });
    o.addEventListener('click', (e) => { if (e.target === o) this.hide(); });
    this.element = o;
  }

  get visible(): boolean { return !this.element.hidden; }

  toggle(): void { if (this.visible) this.hide(); else this.show(); }

  show(): void {
    this.lastFocus = document.activeElement as HTMLElement | null;
    this.element.hidden = false;
    (this.element.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  hide(): void {
    this.element.hidden = true;
    this.lastFocus?.focus();
  }
}

function table(title: string, rows: readonly [string, string][]): HTMLElement {
  const sec = document.createElement('section');
  const h = document.createElement('h3');
  h.textContent = title;
  sec.appendChild(h);
  const t = document.createElement('table');
  t.className = 'keys';
  for (const [k, v] of rows) {
    const tr = document.createElement('tr');
    const a = document.createElement('th');
    a.textContent = k;
    const b = document.createElement('td');
    b.textContent = v;
    tr.append(a, b);
    t.appendChild(tr);
  }
  sec.appendChild(t);
  return sec;
}
