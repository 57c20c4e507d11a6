/**
 * The `tail` TUI: a status line, the log pane, the alerts pane and a prompt / help line, or a
 * detail view of one event or alert. State lives in tail-state.ts (a pure reducer), keys are
 * mapped in tail-keys.ts; this component only wires them to a TailSource and runs commands.
 */
import { Box, useApp, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { AlertPane } from './components/alert-pane.js';
import { BottomLine } from './components/bottom-line.js';
import { DetailView } from './components/detail-view.js';
import { LogPane } from './components/log-pane.js';
import { StatusLine } from './components/status-line.js';
import { alertDetailLines, eventDetailLines, type DetailLine } from './detail-lines.js';
import { statusParts } from './status-text.js';
import type { TailFilter } from './tail-filter.js';
import { handleKey, type TailCommand } from './tail-keys.js';
import type { TailSink, TailSource } from './tail-source.js';
import { initialState, openAlertCounts, tailReducer, type TailAction, type TailState } from './tail-state.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface TailAppProps {
  source: TailSource;
  filter?: TailFilter;
  /** Lines kept in memory (and held while paused). */
  maxLines?: number;
  maxAlerts?: number;
  /** Size used when the output does not report one (not a terminal, tests). */
  fallbackSize?: { columns: number; rows: number };
}

/** Rows of the alerts pane (its title is one more). */
const ALERT_ROWS = 6;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function TailApp(props: TailAppProps) {
  const { source } = props;
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(props.fallbackSize ?? { columns: 100, rows: 30 });

  // The state is kept in a ref and reduced synchronously, so several keys in one input chunk
  // (a paste, fast typing) each see the state the previous one left; a counter re-renders.
  const stateRef = useRef<TailState | null>(null);
  stateRef.current ??= initialState({ ...(props.filter ? { filter: props.filter } : {}), ...(props.maxLines ? { maxLines: props.maxLines } : {}), ...(props.maxAlerts ? { maxAlerts: props.maxAlerts } : {}) });
  const [, setVersion] = useState(0);
  const alive = useRef(true);
  const apply = (...actions: TailAction[]): void => {
    if (!alive.current || actions.length === 0) return;
    let s = stateRef.current!;
    for (const a of actions) s = tailReducer(s, a);
    if (s !== stateRef.current) {
      stateRef.current = s;
      setVersion((v) => v + 1);
    }
  };
  const state = stateRef.current;

  // Layout: status (1) + logs title (1) + log rows + alerts title (1) + alert rows + bottom (1),
  // one row short of the terminal so Ink redraws in place instead of clearing the screen.
  const height = Math.max(8, rows - 1);
  const alertRows = Math.min(ALERT_ROWS, Math.max(1, Math.floor((height - 4) / 3)));
  const logRows = Math.max(1, height - 4 - alertRows);
  const detailRows = Math.max(1, height - 2);

  const detailLines: DetailLine[] = useMemo(() => {
    const v = state.view;
    if (v.kind === 'event') {
      if (v.error !== null) return [{ text: v.error, style: { color: 'red' } }];
      if (v.detail === null) return [{ text: `loading event #${v.id}…`, style: { dimColor: true } }];
      return eventDetailLines(v.detail, columns);
    }
    if (v.kind === 'alert') {
      const a = state.alerts.find((x) => x.id === v.id);
      return a ? alertDetailLines(a, columns) : [{ text: `alert #${v.id} is no longer in the list`, style: { dimColor: true } }];
    }
    return [];
  }, [state.view, state.alerts, columns]);

  const filterChain = useRef<Promise<void>>(Promise.resolve());
  const run = (c: TailCommand): void => {
    switch (c.type) {
      case 'quit':
        alive.current = false;
        void source.close().finally(() => exit());
        return;
      case 'filter':
        // One filter change at a time, in the order the keys were pressed.
        filterChain.current = filterChain.current.then(() =>
          source.setFilter(c.filter).then(
            () => apply({ type: 'filterApplied', filter: c.filter }),
            (e: unknown) => apply({ type: 'filterFailed', message: `filter not applied: ${errorText(e)}` }),
          ),
        );
        return;
      case 'detail':
        source.detail(c.id).then(
          (detail) => apply({ type: 'detail', id: c.id, detail, error: detail === null ? `event #${c.id} no longer exists (removed by retention?)` : null }),
          (e: unknown) => apply({ type: 'detail', id: c.id, detail: null, error: `could not read event #${c.id}: ${errorText(e)}` }),
        );
        return;
      case 'ack': {
        const can = source.canAcknowledge();
        if (!can.ok) {
          apply({ type: 'message', text: `cannot acknowledge: ${can.reason}`, tone: 'error' });
          return;
        }
        apply({ type: 'message', text: `acknowledging alert #${c.alertId}…`, tone: 'info' });
        source.acknowledge(c.alertId).then(
          (r) =>
            r.ok
              ? apply({ type: 'alerts', alerts: [r.alert] }, { type: 'message', text: `alert #${c.alertId} acknowledged`, tone: 'info' })
              : apply({ type: 'message', text: `cannot acknowledge: ${r.reason}`, tone: 'error' }),
          (e: unknown) => apply({ type: 'message', text: `cannot acknowledge: ${errorText(e)}`, tone: 'error' }),
        );
        return;
      }
    }
  };

  useEffect(() => {
    alive.current = true;
    const sink: TailSink = {
      reset: (events) => apply({ type: 'reset', events }),
      logs: (events) => apply({ type: 'logs', events }),
      alertsReset: (alerts) => apply({ type: 'alertsReset', alerts }),
      alerts: (alerts) => apply({ type: 'alerts', alerts }),
      status: (status) => apply({ type: 'status', status }),
      error: (text) => apply({ type: 'message', text, tone: 'error' }),
    };
    source.start(stateRef.current!.filter, sink).catch((e: unknown) => {
      alive.current = false;
      void source.close().finally(() => exit(e instanceof Error ? e : new Error(String(e))));
    });
    return () => {
      alive.current = false;
      void source.close();
    };
  }, [source]);

  useInput((input, key) => {
    const s = stateRef.current!;
    const maxScroll = Math.max(0, detailLines.length - detailRows);
    const r = handleKey(s, input, key, { pageRows: s.view.kind === 'list' ? logRows : detailRows, maxScroll });
    apply(...r.actions);
    if (r.command) run(r.command);
  });

  const parts = statusParts({
    label: source.label,
    status: state.status,
    filter: state.filter,
    applying: state.applying,
    paused: state.paused,
    pending: state.pending.length,
    missed: state.missed,
  });

  if (state.view.kind !== 'list') {
    return (
      <Box flexDirection="column" width={columns} height={height}>
        <StatusLine parts={parts} />
        <DetailView lines={detailLines} scroll={state.view.scroll} height={detailRows} width={columns} />
        <BottomLine state={state} />
      </Box>
    );
  }

  const selectedPos = state.selectedLog === null ? -1 : state.lines.findIndex((l) => l.id === state.selectedLog);
  const logTitle =
    selectedPos >= 0 ? `logs: line ${selectedPos + 1} of ${state.lines.length} selected (esc to follow)` : `logs: ${state.lines.length} shown, following`;
  const counts = openAlertCounts(state.alerts);
  const alertTitle = `alerts: ${counts.length === 0 ? 'none open' : counts.map((c) => `${c.count} ${c.severity}`).join(' · ') + ' open'}${state.alerts.length > 0 ? ` (${state.alerts.length} shown)` : ''}`;
  const unavailable = state.status.alerts.available ? null : `alerts are not shown: ${state.status.alerts.reason}`;

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <StatusLine parts={parts} />
      <LogPane lines={state.lines} selected={state.selectedLog} focused={state.focus === 'logs'} height={logRows} width={columns} title={logTitle} />
      <AlertPane
        alerts={state.alerts}
        selected={state.selectedAlert}
        focused={state.focus === 'alerts'}
        height={alertRows}
        width={columns}
        title={alertTitle}
        unavailable={unavailable}
      />
      <BottomLine state={state} />
    </Box>
  );
}
