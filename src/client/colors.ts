/**
 * Terminal colors for severities, shared by the CLI's printed output and the TUI. Colors are
 * used only when asked for (`always`), or in `auto` mode when the stream is a terminal and
 * NO_COLOR is unset or empty (https://no-color.org): a pipe or a file never receives escape
 * sequences.
 */
import type { Severity } from '../core/event.js';

export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

export function useColor(mode: ColorMode, stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}

/** SGR parameters, e.g. '31' (red) or '1;31' (bold red). */
export type Style = string;

export function paint(text: string, style: Style | null, enabled: boolean): string {
  return enabled && style !== null && text !== '' ? `\x1b[${style}m${text}\x1b[0m` : text;
}

/** Syslog level 0 emergency … 7 debug; null: no color. */
export function levelStyle(level: number | null): Style | null {
  if (level === null) return null;
  if (level <= 2) return '1;31'; // emergency, alert, critical: bold red
  if (level === 3) return '31'; // error: red
  if (level === 4) return '33'; // warning: yellow
  if (level === 5) return '36'; // notice: cyan
  if (level === 7) return '2'; // debug: dim
  return null; // info: the terminal's own color
}

export function severityStyle(severity: Severity | null): Style | null {
  switch (severity) {
    case 'CRITICAL':
      return '1;97;41'; // bold white on red
    case 'HIGH':
      return '1;31';
    case 'MEDIUM':
      return '33';
    case 'LOW':
      return '36';
    default:
      return null;
  }
}

export function alertStateStyle(state: string): Style | null {
  if (state === 'open') return '1';
  if (state === 'resolved') return '2';
  return null;
}
