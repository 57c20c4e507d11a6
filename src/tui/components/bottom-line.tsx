import { Text } from 'ink';
import type { TailState } from '../tail-state.js';

const LIST_HELP = '/ search  h host  l/L level  c clear  space pause  ↑↓ select  tab alerts  enter open  a ack  q quit';
const DETAIL_HELP = '↑↓ PgUp PgDn scroll  a acknowledge (alert)  esc back  q quit';
const PROMPTS = { q: 'search (words, "phrases", prefix*, AND OR NOT; empty clears)', host: 'hosts (comma-separated, * wildcard; empty clears)' } as const;

/** The prompt being typed, the last message, or the keys. */
export function BottomLine({ state }: { state: TailState }) {
  if (state.prompt !== null) {
    return (
      <Text wrap="truncate-start">
        <Text color="cyan">{`${PROMPTS[state.prompt.kind]}: `}</Text>
        {state.prompt.text}
        <Text inverse> </Text>
      </Text>
    );
  }
  if (state.message !== null) {
    return (
      <Text wrap="truncate" color={state.message.tone === 'error' ? 'red' : 'yellow'}>
        {state.message.text}
      </Text>
    );
  }
  return (
    <Text wrap="truncate" dimColor>
      {state.view.kind === 'list' ? LIST_HELP : DETAIL_HELP}
    </Text>
  );
}
