// The details pane: what the selected span, instant or counter reading is, with its stacks. Every frame is a link
// that opens the Go line (openSource with the whole stack as fallbacks); the unblocker and the creator are links
// that follow to their goroutine's row. All text is set with textContent; nothing from the trace is parsed as HTML.

import type { Frame, GoroutineStackResult } from '../protocol';
import type { Host } from './host';
import { RequestError } from './host';
import type { SourceRef } from './messages';
import type { Selection } from './timeline';
import { firstUserFrame, isUserFunction, toSourceRef, sourceTarget } from './frames';
import { formatDuration, formatTimestamp, formatCount, formatPercent, shortFile } from './format';
import { colorClass, isBlockingStateName, stateBreakdown, stateNames, ColorClassLabel, GoroutineState, ProcActivity } from './states';
import type { Palette } from './theme';

export interface DetailsActions {
  openSource(target: SourceRef, frames: SourceRef[], preserveFocus: boolean): void;
  follow(goroutine: number, timeNs: number): void;
  zoomTo(startNs: number, endNs: number): void;
}

export class DetailsPane {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private pending: number | undefined;
  private current: Selection | null = null;
  private generation = 0;

  constructor(private readonly host: Host, private readonly actions: DetailsActions, private palette: () => Palette) {
    this.element = document.createElement('section');
    this.element.className = 'details';
    this.element.setAttribute('aria-label', 'Details of the selection');
    this.body = document.createElement('div');
    this.body.className = 'details-body';
    this.body.setAttribute('aria-live', 'polite');
    this.element.appendChild(this.body);
    this.showEmpty();
  }

  /** The text the user reads ('' when nothing is selected). */
  text(): string {
    if (!this.current) return '';
    return (this.body.innerText || this.body.textContent || '').trim();
  }

  private showEmpty(): void {
    const p = el('p', 'details-empty', 'Click a span to see its state, duration and stacks. Press ? for the keys.');
    this.body.replaceChildren(p);
  }

  /** Shows a selection; `byClick` is true when the user clicked it (a blocking span then opens its Go line). */
  show(sel: Selection | null, byClick = false): void {
    this.current = sel;
    this.generation++;
    if (this.pending !== undefined) { this.host.cancel(this.pending); this.pending = undefined; }
    if (!sel) { this.showEmpty(); return; }
    if (sel.kind === 'counter') { this.showCounter(sel); return; }
    if (sel.kind === 'instant') { this.showInstant(sel); return; }
    const s = sel.span;
    if (s.count > 1 && s.stateNs) { this.showMerged(sel); return; }
    const kind = sel.track.kind;
    if (kind === 'goroutine') { void this.showGoroutineSpan(sel.track.id ?? 0, sel, byClick); return; }
    if ((kind === 'proc' || kind === 'thread') && s.goroutine >= 0) { void this.showGoroutineSpan(s.goroutine, sel, false); return; }
    this.showLaneSpan(sel);
  }

  private header(title: string, badge?: { text: string; cls: string }): HTMLElement {
    const h = el('div', 'details-header');
    h.appendChild(el('h2', 'details-title', title));
    if (badge) {
      const b = el('span', `badge badge-${badge.cls}`, badge.text);
      b.style.setProperty('--badge-color', this.palette().fills[badge.cls as keyof Palette['fills']] ?? 'transparent');
      h.appendChild(b);
    }
    return h;
  }

  private facts(rows: [string, string | Node][]): HTMLElement {
    const dl = el('dl', 'facts');
    for (const [k, v] of rows) {
      dl.appendChild(el('dt', '', k));
      const dd = el('dd', '');
      if (typeof v === 'string') dd.textContent = v; else dd.appendChild(v);
      dl.appendChild(dd);
    }
    return dl;
  }

  private button(text: string, onClick: () => void, title?: string): HTMLButtonElement {
    const b = document.createElement('button');
    b.className = 'action';
    b.textContent = text;
    if (title) b.title = title;
    b.addEventListener('click', onClick);
    return b;
  }

  private goroutineLink(id: number, timeNs: number, text = `G${id}`): HTMLElement {
    const a = document.createElement('a');
    a.href = '#';
    a.className = 'goroutine-link';
    a.textContent = text;
    a.title = `Show G${id} at ${formatTimestamp(timeNs)} on the timeline`;
    a.addEventListener('click', (e) => { e.preventDefault(); this.actions.follow(id, timeNs); });
    return a;
  }

  /** A stack as a list of links "func file:line"; the first user frame is marked. */
  private stack(title: string | Node, frames: Frame[]): HTMLElement {
    const sec = el('section', 'stack-section');
    const h = el('h3', '');
    if (typeof title === 'string') h.textContent = title; else h.appendChild(title);
    sec.appendChild(h);
    if (frames.length === 0) {
      sec.appendChild(el('p', 'muted', 'no stack'));
      return sec;
    }
    const ol = el('ol', 'stack');
    const user = firstUserFrame(frames);
    const refs = frames.map(toSourceRef);
    frames.forEach((f, i) => {
      const li = el('li', isUserFunction(f.func) ? 'frame user' : 'frame');
      if (i === user) li.classList.add('first-user');
      const a = document.createElement('a');
      a.href = '#';
      a.className = 'frame-link';
      a.title = `Open ${f.file}:${f.line}`;
      a.appendChild(el('span', 'func', f.func || '?'));
      a.appendChild(document.createTextNode(' '));
      a.appendChild(el('span', 'file', `${shortFile(f.file, 3)}:${f.line}`));
      a.addEventListener('click', (e) => {
        e.preventDefault();
        this.actions.openSource(refs[i], refs, false);
      });
      li.appendChild(a);
      ol.appendChild(li);
    });
    sec.appendChild(ol);
    return sec;
  }

  private spanFacts(startNs: number, endNs: number): [string, string][] {
    return [
      ['Start', formatTimestamp(startNs)],
      ['End', formatTimestamp(endNs)],
      ['Duration', formatDuration(endNs - startNs)],
    ];
  }

  private async showGoroutineSpan(g: number, sel: Extract<Selection, { kind: 'span' }>, byClick: boolean): Promise<void> {
    const gen = this.generation;
    const s = sel.span;
    const kind = sel.track.kind;
    this.body.replaceChildren(this.header(sel.rowLabel), el('p', 'muted', 'Loading…'));
    const timeNs = Math.max(s.startNs, Math.min(sel.timeNs, Math.max(s.startNs, s.endNs - 1)));
    const req = this.host.request<GoroutineStackResult>('gotrace/goroutineStack', { goroutine: g, timeNs });
    this.pending = req.id;
    let st: GoroutineStackResult;
    try {
      st = await req.promise;
    } catch (e) {
      if (gen !== this.generation) return;
      this.pending = undefined;
      if (e instanceof RequestError && e.cancelled) return;
      this.body.replaceChildren(this.header(sel.rowLabel), el('p', 'error', `Could not read the stacks: ${(e as Error).message}`));
      return;
    }
    if (gen !== this.generation) return;
    this.pending = undefined;
    const parts: Node[] = [];
    const stateNum = (GoroutineState as Record<string, number>)[st.state];
    const cls = stateNum !== undefined ? colorClass('goroutine', stateNum, st.reason) : 'none';
    const stateText = `${stateNum !== undefined ? stateNames('goroutine')[stateNum] : st.state}${st.reason ? ` — ${st.reason}` : ''}`;
    const title = `G${st.goroutine} ${st.name || '(no stack)'}`;
    parts.push(this.header(title, { text: stateText, cls }));
    const blocking = isBlockingStateName(st.state, st.reason);
    const facts: [string, string | Node][] = [];
    if (kind !== 'goroutine') {
      const where = kind === 'proc' ? `Proc ${sel.track.id}` : `Thread ${sel.track.id}`;
      const what = s.state === ProcActivity.Syscall && kind === 'proc' ? 'syscall' : stateNames(kind)[s.state] ?? String(s.state);
      facts.push([where, `${what} ${formatDuration(s.endNs - s.startNs)} (${formatTimestamp(s.startNs)} – ${formatTimestamp(s.endNs)})`]);
      facts.push(['Goroutine', this.goroutineLink(g, timeNs, `G${g} — show its row`)]);
    }
    facts.push(...this.spanFacts(st.spanStartNs, st.spanEndNs));
    facts.push(['State', stateText]);
    if (st.reason) facts.push(['Reason', st.reason + (blocking ? ' (blocking)' : '')]);
    if (s.proc >= 0 && kind === 'goroutine') facts.push(['Proc', String(s.proc)]);
    if (s.thread >= 0 && kind === 'goroutine') facts.push(['Thread', String(s.thread)]);
    parts.push(this.facts(facts));

    const actions = el('div', 'actions');
    actions.appendChild(this.button('Zoom to span', () => this.actions.zoomTo(st.spanStartNs, st.spanEndNs), 'F'));
    const src = sourceTarget(st.eventStack.length > 0 ? st.eventStack : st.stack);
    if (src) {
      actions.appendChild(this.button(`Open ${shortFile(src.target.file, 1)}:${src.target.line}`,
        () => this.actions.openSource(src.target, src.frames, false), `${src.target.func} ${src.target.file}:${src.target.line}`));
    }
    parts.push(actions);

    if (st.unblockedBy) {
      const u = st.unblockedBy;
      const h = document.createElement('span');
      if (u.by >= 0) h.append('Unblocked by ', this.goroutineLink(u.by, u.timeNs), ` at ${formatTimestamp(u.timeNs)}`);
      else h.append(`Woken by the runtime (no goroutine: a timer, the network poller…) at ${formatTimestamp(u.timeNs)}`);
      if (u.reason) h.append(` (${u.reason})`);
      if (u.stack.length > 0 || u.by >= 0) parts.push(this.stack(h, u.stack));
      else parts.push(heading(h));
    }
    parts.push(this.stack(eventStackTitle(st), st.eventStack));
    if (st.stack.length > 0 && !sameStack(st.stack, st.eventStack)) parts.push(this.stack('Goroutine stack', st.stack));
    const ch = document.createElement('span');
    if (st.creator >= 0) {
      ch.append('Created by ');
      const createdAt = sel.goroutine?.id === st.goroutine && sel.goroutine.creationNs >= 0 ? sel.goroutine.creationNs : undefined;
      ch.appendChild(this.creatorLink(st.creator, st.goroutine, createdAt));
      if (createdAt !== undefined) ch.append(` at ${formatTimestamp(createdAt)}`);
    } else {
      ch.append('Creation stack');
    }
    if (st.creationStack.length > 0 && sameStack(st.creationStack, st.eventStack)) {
      const sec = el('section', 'stack-section');
      const h = el('h3', '');
      h.appendChild(ch);
      sec.append(h, el('p', 'muted', 'at the stack above'));
      parts.push(sec);
    } else {
      parts.push(this.stack(ch, st.creationStack));
    }
    this.body.replaceChildren(...parts);

    // clicking a blocking span lands on the Go line that blocked (the first frame of the program)
    if (byClick && kind === 'goroutine' && blocking && src) this.actions.openSource(src.target, src.frames, true);
  }

  /** A link to the creator at the time it created `g` (found from g's first span when not known). */
  private creatorLink(creator: number, g: number, createdAt: number | undefined): HTMLElement {
    const a = document.createElement('a');
    a.href = '#';
    a.className = 'goroutine-link';
    a.textContent = `G${creator}`;
    a.title = `Show G${creator} where it created G${g}`;
    a.addEventListener('click', async (e) => {
      e.preventDefault();
      let t = createdAt;
      if (t === undefined) {
        try {
          const first = await this.host.request<GoroutineStackResult>('gotrace/goroutineStack', { goroutine: g, timeNs: 0 }).promise;
          t = first.state === 'NotSeen' ? first.spanEndNs : 0;
        } catch {
          t = 0;
        }
      }
      this.actions.follow(creator, Math.max(0, t));
    });
    return a;
  }

  private showMerged(sel: Extract<Selection, { kind: 'span' }>): void {
    const s = sel.span;
    const kind = sel.track.kind;
    const total = s.endNs - s.startNs;
    const parts: Node[] = [this.header(sel.rowLabel, { text: `${formatCount(s.count)} spans merged`, cls: 'waiting' })];
    parts.push(el('p', 'muted', 'Spans shorter than a pixel at this zoom are drawn as one (hatched). Zoom in to see them one by one.'));
    parts.push(this.facts(this.spanFacts(s.startNs, s.endNs)));
    const table = el('table', 'breakdown');
    const head = el('tr', '');
    head.append(el('th', '', 'State'), el('th', 'num', 'Time'), el('th', 'num', 'Share'));
    table.appendChild(head);
    for (const b of stateBreakdown(kind, s.stateNs ?? [])) {
      const tr = el('tr', '');
      const name = el('td', '');
      const sw = el('span', 'swatch');
      sw.style.background = this.palette().fills[colorClass(kind, b.state, undefined, true)];
      name.append(sw, b.name);
      tr.append(name, el('td', 'num', formatDuration(b.ns)), el('td', 'num', formatPercent(b.ns, total)));
      table.appendChild(tr);
    }
    parts.push(table);
    const actions = el('div', 'actions');
    actions.appendChild(this.button('Zoom to it', () => this.actions.zoomTo(s.startNs, s.endNs)));
    parts.push(actions);
    this.body.replaceChildren(...parts);
  }

  private showLaneSpan(sel: Extract<Selection, { kind: 'span' }>): void {
    const s = sel.span;
    const kind = sel.track.kind;
    const cls = colorClass(kind, s.state, s.reason);
    const what = s.reason ?? ColorClassLabel[cls] ?? stateNames(kind)[s.state];
    const parts: Node[] = [this.header(what || sel.rowLabel, { text: laneKindName(kind), cls })];
    const facts: [string, string | Node][] = [['Track', sel.rowLabel], ...this.spanFacts(s.startNs, s.endNs)];
    if (s.goroutine >= 0) facts.push(['Goroutine', this.goroutineLink(s.goroutine, s.startNs)]);
    if ((kind === 'proc' || kind === 'thread') && s.goroutine < 0) facts.push(['Activity', stateNames(kind)[s.state] ?? String(s.state)]);
    parts.push(this.facts(facts));
    const actions = el('div', 'actions');
    actions.appendChild(this.button('Zoom to span', () => this.actions.zoomTo(s.startNs, s.endNs)));
    parts.push(actions);
    this.body.replaceChildren(...parts);
  }

  private showInstant(sel: Extract<Selection, { kind: 'instant' }>): void {
    const it = sel.instant;
    const isLog = sel.track.kind === 'logs';
    const what = isLog ? 'Log message' : 'CPU profile sample';
    const parts: Node[] = [this.header(it.count > 1 ? `${formatCount(it.count)} ${isLog ? 'log messages' : 'CPU samples'}` : what)];
    const facts: [string, string | Node][] = [['Track', sel.rowLabel], ['Time', formatTimestamp(it.timeNs)]];
    if (it.count > 1) facts.push(['Until', formatTimestamp(it.endNs)]);
    if (it.text) facts.push([isLog ? 'Message' : 'Text', it.text]);
    if (it.goroutine >= 0) facts.push(['Goroutine', this.goroutineLink(it.goroutine, it.timeNs)]);
    if (it.proc >= 0) facts.push(['Proc', String(it.proc)]);
    if (it.thread >= 0) facts.push(['Thread', String(it.thread)]);
    parts.push(this.facts(facts));
    if (it.count > 1) {
      const actions = el('div', 'actions');
      actions.appendChild(this.button('Zoom to them', () => this.actions.zoomTo(it.timeNs, Math.max(it.endNs, it.timeNs + 1))));
      parts.push(actions);
    }
    this.body.replaceChildren(...parts);
  }

  private showCounter(sel: Extract<Selection, { kind: 'counter' }>): void {
    const parts: Node[] = [this.header(sel.rowLabel)];
    parts.push(this.facts([['Time', formatTimestamp(sel.timeNs)], ...sel.values.map((v): [string, string] => [v.name, v.value])]));
    this.body.replaceChildren(...parts);
  }
}

function el(tag: string, cls: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function heading(content: Node): HTMLElement {
  const sec = el('section', 'stack-section');
  const h = el('h3', '');
  h.appendChild(content);
  sec.appendChild(h);
  return sec;
}

function sameStack(a: Frame[], b: Frame[]): boolean {
  return a.length === b.length && a.every((f, i) => f.pc === b[i].pc && f.func === b[i].func && f.line === b[i].line);
}

function eventStackTitle(st: GoroutineStackResult): string {
  switch (st.state) {
    case 'Waiting': return 'Where it blocked';
    case 'Runnable': return st.reason === 'created' ? 'Where it was created' : st.reason === 'unblocked' ? 'Unblocked at' : 'Where it stopped';
    case 'Running': return 'Where it resumed';
    case 'Syscall': case 'SyscallBlocked': return 'The syscall';
    default: return 'Event stack';
  }
}

function laneKindName(kind: string): string {
  switch (kind) {
    case 'gc': return 'GC';
    case 'stw': return 'stop-the-world';
    case 'tasks': return 'task';
    case 'regions': return 'region';
    case 'procRanges': return 'P range';
    case 'goroutineRanges': return 'goroutine range';
    case 'proc': return 'proc';
    case 'thread': return 'thread';
    default: return kind;
  }
}
