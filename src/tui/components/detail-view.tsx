import { Box, Text } from 'ink';
import type { DetailLine } from '../detail-lines.js';

/** A scrolled slice of a detail view's lines. */
export function DetailView({ lines, scroll, height, width }: { lines: readonly DetailLine[]; scroll: number; height: number; width: number }) {
  const shown = lines.slice(scroll, scroll + height);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={scroll + i} wrap="truncate" {...(l.style ?? {})}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}
