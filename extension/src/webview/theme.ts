// Reads VS Code's theme colours from the CSS variables it sets on the webview's document (refreshed on `theme`).

import { DEFAULT_COLORS, type ThemeColors, classColors } from './color';
import type { ColorClass } from './states';

const VARS: Record<Exclude<keyof ThemeColors, 'dark' | 'highContrast'>, string[]> = {
  background: ['--vscode-editor-background'],
  foreground: ['--vscode-editor-foreground', '--vscode-foreground'],
  descriptionForeground: ['--vscode-descriptionForeground'],
  lines: ['--vscode-charts-lines', '--vscode-editorLineNumber-foreground'],
  focusBorder: ['--vscode-focusBorder'],
  selectionBackground: ['--vscode-editor-selectionBackground'],
  red: ['--vscode-charts-red'],
  blue: ['--vscode-charts-blue'],
  yellow: ['--vscode-charts-yellow'],
  orange: ['--vscode-charts-orange'],
  green: ['--vscode-charts-green'],
  purple: ['--vscode-charts-purple'],
};

export interface Palette {
  theme: ThemeColors;
  fills: Record<ColorClass, string>;
  font: string;
  monoFont: string;
  fontSize: number;
  /** A diagonal hatch drawn over merged spans. */
  hatch: CanvasPattern | null;
}

/** The theme kind from the body class VS Code sets (vscode-light, vscode-dark, vscode-high-contrast...). */
export function themeKindFromBody(): { dark: boolean; highContrast: boolean } {
  const c = document.body.classList;
  const highContrast = c.contains('vscode-high-contrast') || c.contains('vscode-high-contrast-light');
  const light = c.contains('vscode-light') || c.contains('vscode-high-contrast-light');
  return { dark: !light, highContrast };
}

export function readPalette(kindOverride?: number): Palette {
  const cs = getComputedStyle(document.documentElement);
  const bs = getComputedStyle(document.body);
  const get = (names: string[]): string | undefined => {
    for (const n of names) {
      const v = (cs.getPropertyValue(n) || bs.getPropertyValue(n)).trim();
      if (v) return v;
    }
    return undefined;
  };
  const kind = themeKindFromBody();
  if (kindOverride !== undefined) {
    kind.dark = kindOverride === 2 || kindOverride === 3;
    kind.highContrast = kindOverride === 3 || kindOverride === 4;
  }
  const theme: ThemeColors = { ...DEFAULT_COLORS, ...kind };
  for (const key of Object.keys(VARS) as (keyof typeof VARS)[]) {
    const v = get(VARS[key]);
    if (v) theme[key] = v;
  }
  if (!get(VARS.background)) {
    // outside VS Code (dev harness without variables): follow the document's own colours
    const bg = bs.backgroundColor;
    if (bg && bg !== 'rgba(0, 0, 0, 0)') theme.background = bg;
  }
  const font = (get(['--vscode-font-family']) ?? 'system-ui, sans-serif');
  const monoFont = (get(['--vscode-editor-font-family']) ?? 'monospace');
  const size = parseFloat(get(['--vscode-font-size']) ?? '12') || 12;
  return { theme, fills: classColors(theme), font, monoFont, fontSize: Math.min(13, Math.max(11, size - 1)), hatch: makeHatch(theme) };
}

function makeHatch(t: ThemeColors): CanvasPattern | null {
  const c = document.createElement('canvas');
  c.width = 6;
  c.height = 6;
  const g = c.getContext('2d');
  if (!g) return null;
  g.strokeStyle = t.background;
  g.globalAlpha = 0.55;
  g.lineWidth = 1.5;
  g.beginPath();
  g.moveTo(-1, 7);
  g.lineTo(7, -1);
  g.moveTo(5, 7);
  g.lineTo(7, 5);
  g.moveTo(-1, 1);
  g.lineTo(1, -1);
  g.stroke();
  return g.createPattern(c, 'repeat');
}
