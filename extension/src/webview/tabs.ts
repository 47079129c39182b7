// The tab strip of the trace editor. Each view of the trace (the timeline now; goroutine analysis, blocking sites,
// tasks and regions, MMU, summary later) is a panel registered here; ←/→ move between tabs (WAI-ARIA tabs pattern).

interface Tab { id: string; label: string; button: HTMLButtonElement; panel: HTMLElement; onShow?: () => void }

export class Tabs {
  readonly strip: HTMLElement;
  readonly panels: HTMLElement;
  private readonly tabs: Tab[] = [];
  private active: string | undefined;

  constructor(private readonly onChange: (id: string) => void) {
    this.strip = document.createElement('div');
    this.strip.className = 'tab-strip';
    this.strip.setAttribute('role', 'tablist');
    this.strip.addEventListener('keydown', (e) => {
      const i = this.tabs.findIndex((t) => t.id === this.active);
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const n = this.tabs[(i + (e.key === 'ArrowRight' ? 1 : this.tabs.length - 1)) % this.tabs.length];
        this.show(n.id);
        n.button.focus();
        e.preventDefault();
      }
    });
    this.panels = document.createElement('div');
    this.panels.className = 'tab-panels';
  }

  add(id: string, label: string, panel: HTMLElement, onShow?: () => void): void {
    const button = document.createElement('button');
    button.className = 'tab';
    button.id = `tab-${id}`;
    button.dataset.testid = `tab-${id}`;
    button.textContent = label;
    button.setAttribute('role', 'tab');
    button.setAttribute('aria-controls', `panel-${id}`);
    button.addEventListener('click', () => this.show(id));
    panel.id = `panel-${id}`;
    panel.dataset.testid = panel.dataset.testid ?? `panel-${id}`;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', button.id);
    panel.classList.add('tab-panel');
    this.strip.appendChild(button);
    this.panels.appendChild(panel);
    this.tabs.push({ id, label, button, panel, onShow });
    if (!this.active) this.show(id);
    else panel.hidden = true;
  }

  show(id: string): void {
    const t = this.tabs.find((x) => x.id === id);
    if (!t) return;
    this.active = id;
    for (const x of this.tabs) {
      const on = x.id === id;
      x.panel.hidden = !on;
      x.button.setAttribute('aria-selected', String(on));
      x.button.tabIndex = on ? 0 : -1;
    }
    t.onShow?.();
    this.onChange(id);
  }

  get current(): string | undefined { return this.active; }

  has(id: string): boolean { return this.tabs.some((t) => t.id === id); }
}
