import { Text } from 'ink';
import type { StatusParts } from '../status-text.js';

/** One row: pause state, connection, events/s, lag, database size, filters, source. */
export function StatusLine({ parts }: { parts: StatusParts }) {
  const live = parts.connection === 'live';
  return (
    <Text wrap="truncate">
      {parts.paused !== null && (
        <Text inverse color="yellow">
          {` ${parts.paused} `}
        </Text>
      )}
      {parts.paused !== null && ' '}
      <Text color={live ? 'green' : 'yellow'}>{`${live ? '●' : '○'} ${parts.connection}`}</Text>
      {` · ${parts.rate}`}
      {parts.lag !== null && ` · ${parts.lag}`}
      {parts.db !== null && ` · ${parts.db}`}
      {parts.behind !== null && ` · ${parts.behind}`}
      {' · '}
      <Text color="cyan">{parts.filter}</Text>
      <Text dimColor>{` · ${parts.source}`}</Text>
    </Text>
  );
}
