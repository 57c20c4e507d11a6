import { Text } from 'ink';

/** A pane's title row, highlighted while the pane has the focus. */
export function PaneTitle({ text, focused, width }: { text: string; focused: boolean; width: number }) {
  const label = `─ ${text} `;
  const rule = '─'.repeat(Math.max(0, width - [...label].length));
  return (
    <Text wrap="truncate" bold={focused} color={focused ? 'blueBright' : 'gray'}>
      {label + rule}
    </Text>
  );
}
