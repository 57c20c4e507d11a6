import { Box, Text } from 'ink';
import type { Alert } from '../../core/alert.js';
import { oneLine, severityInkStyle, shortTime } from '../event-line.js';
import { paneWindow } from '../view-window.js';
import { PaneTitle } from './pane-title.js';

export interface AlertPaneProps {
  alerts: readonly Alert[];
  selected: number | null;
  focused: boolean;
  height: number;
  width: number;
  title: string;
  /** Shown instead of the list when alerts cannot be followed. */
  unavailable: string | null;
}

function AlertRow({ alert, selected }: { alert: Alert; selected: boolean }) {
  const style = severityInkStyle(alert.severity);
  const count = alert.count > 1 ? ` (x${alert.count})` : '';
  return (
    <Text wrap="truncate" inverse={selected} dimColor={alert.state === 'resolved'}>
      <Text {...style}>{alert.severity.padEnd(8)}</Text>
      {` #${alert.id} `}
      <Text bold={alert.state === 'open'}>{alert.state.padEnd(13)}</Text>
      {/* Early in the row, so a narrow terminal does not cut it: stored, not notified. */}
      {alert.silenced_by ? <Text dimColor>{'[silenced] '}</Text> : null}
      <Text dimColor>{shortTime(alert.last_seen)}</Text>
      {` ${alert.host ?? '-'} ${oneLine(alert.rule_id, 100)}: ${oneLine(alert.title, 300)}${count}`}
    </Text>
  );
}

/** Alerts, most recently seen first, colored by severity (LOW cyan … CRITICAL white on red). */
export function AlertPane({ alerts, selected, focused, height, width, title, unavailable }: AlertPaneProps) {
  const idx = selected === null ? -1 : alerts.findIndex((a) => a.id === selected);
  const { start, end } = paneWindow(alerts.length, idx, height, false);
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <PaneTitle text={title} focused={focused} width={width} />
      {unavailable !== null ? (
        <Text wrap="truncate" dimColor>{`  ${unavailable}`}</Text>
      ) : alerts.length === 0 ? (
        <Text dimColor>  no alerts yet</Text>
      ) : (
        alerts.slice(start, end).map((a) => <AlertRow key={a.id} alert={a} selected={a.id === selected} />)
      )}
    </Box>
  );
}
