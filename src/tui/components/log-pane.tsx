import { Box, Text } from 'ink';
import { levelInkStyle, levelLabel, origin, severityInkStyle, shortTime, type TailLine } from '../event-line.js';
import { paneWindow } from '../view-window.js';
import { PaneTitle } from './pane-title.js';

export interface LogPaneProps {
  lines: readonly TailLine[];
  selected: number | null;
  focused: boolean;
  /** Rows for log lines (the title is one more). */
  height: number;
  width: number;
  title: string;
}

/** Cut or pad to exactly n columns (code points; log fields are ASCII in practice). */
function fit(text: string, n: number): string {
  const chars = [...text];
  return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : text.padEnd(n);
}

function LogRow({ line, selected }: { line: TailLine; selected: boolean }) {
  return (
    <Text wrap="truncate" inverse={selected}>
      <Text dimColor={!selected}>{shortTime(line.ts)}</Text> <Text {...levelInkStyle(line.level)}>{levelLabel(line.level)}</Text>
      {fit(line.host ?? '-', 15)} <Text color="gray">{fit(origin(line), 22)}</Text>{' '}
      {line.threat !== null && <Text {...severityInkStyle(line.threat)}>{`[${line.threat}] `}</Text>}
      {line.parseError && <Text color="yellow">[parse error] </Text>}
      {line.message}
    </Text>
  );
}

/** New lines scroll in at the bottom; the selected line is shown inverted and kept in view. */
export function LogPane({ lines, selected, focused, height, width, title }: LogPaneProps) {
  const idx = selected === null ? -1 : lines.findIndex((l) => l.id === selected);
  const { start, end } = paneWindow(lines.length, idx, height, true);
  const shown = lines.slice(start, end);
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <PaneTitle text={title} focused={focused} width={width} />
      {shown.length === 0 && <Text dimColor>  waiting for log lines…</Text>}
      {shown.map((l) => (
        <LogRow key={l.id} line={l} selected={l.id === selected} />
      ))}
    </Box>
  );
}
