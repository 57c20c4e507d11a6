/**
 * Log text is shown as text, always (JSX text nodes; no HTML parsing anywhere). On top of that, what a
 * terminal or a bidi algorithm would interpret is made visible: control characters (ANSI
 * escapes included) become their Unicode control pictures, and bidi overrides and isolates a
 * visible marker, so a line cannot reorder or hide its own text. Long lines are cut for lists.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

export function visible(text: string, max = Infinity): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length.toLocaleString('en')} characters)` : text;
  return cut
    .replace(CONTROL, (c) => String.fromCharCode(c === '\u007f' ? 0x2421 : 0x2400 + c.charCodeAt(0)))
    .replace(BIDI, (c) => `⟦U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟧`);
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/Z$/, '');
}

export function num(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(digits);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export const LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
