/**
 * `tail --plain` (and `tail` whenever stdout is not a terminal): one line per event, like
 * `tail -f`, from the same sources as the TUI. Follows until the signal aborts, or with
 * `follow: false` prints the last N events and returns (`tail -n`).
 */
import type { Alert } from '../core/alert.js';
import { isoTime, plainAlertLine, plainLogLine, toTailLine, type TailEvent } from './event-line.js';
import type { TailFilter } from './tail-filter.js';
import type { TailSink, TailSource } from './tail-source.js';

/** The parts of a Writable the printer uses (process.stdout in the CLI). */
export interface PlainOutput {
  write(chunk: string): boolean;
  readonly writableLength?: number;
}

export interface PlainTailOptions {
  source: TailSource;
  filter: TailFilter;
  follow: boolean;
  /** Events printed first (the recent window is the source's `window`; this is for follow: false). */
  lines: number;
  out: PlainOutput;
  /** Problems and reconnect notices (stderr). */
  note: (text: string) => void;
  color: boolean;
  /** One JSON object per line instead of text: logs in the shape of GET /logs items, alerts as {"alert": …}. */
  json: boolean;
  /** Print alerts as they are raised or change. */
  alerts: boolean;
  /** Stops following. */
  signal: AbortSignal;
}

/** Output buffered beyond this makes the source wait (a slow pipe), bytes. */
const MAX_BUFFERED = 1024 * 1024;

export function jsonLogLine(e: TailEvent): string {
  const { raw: _raw, ...rest } = e;
  return JSON.stringify({ ...rest, ts: isoTime(e.ts), received_at: isoTime(e.received_at) });
}

export function jsonAlertLine(a: Alert): string {
  return JSON.stringify({
    alert: {
      ...a,
      first_seen: isoTime(a.first_seen),
      last_seen: isoTime(a.last_seen),
      state_changed_at: a.state_changed_at === null ? null : isoTime(a.state_changed_at),
    },
  });
}

export async function runPlainTail(o: PlainTailOptions): Promise<void> {
  const logText = (events: readonly TailEvent[]): string =>
    events.map((e) => (o.json ? jsonLogLine(e) : plainLogLine(toTailLine(e), o.color)) + '\n').join('');
  const print = (text: string): void => {
    if (text !== '' && !o.signal.aborted) o.out.write(text);
  };

  if (!o.follow) {
    print(logText(await o.source.recent(o.filter, o.lines)));
    return;
  }

  let connection = '';
  const sink: TailSink = {
    reset: (events) => print(logText(events)),
    logs: (events) => print(logText(events)),
    alertsReset: () => {
      // The alerts raised before tail started are not printed: `logagg query --alerts` lists them.
    },
    alerts: (alerts) => {
      if (o.alerts) print(alerts.map((a) => (o.json ? jsonAlertLine(a) : plainAlertLine(a, o.color)) + '\n').join(''));
    },
    status: (s) => {
      // Only changes of the connection are worth a note (reconnecting, back live).
      if (s.connection !== undefined && s.connection !== connection) {
        if (connection !== '' && connection !== 'starting' && connection !== 'connecting') o.note(`connection: ${s.connection}`);
        connection = s.connection;
      }
    },
    error: (message) => o.note(message),
    ready: () => (o.out.writableLength ?? 0) < MAX_BUFFERED,
  };

  const stopped = new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve();
    else o.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await o.source.start(o.filter, sink);
    await stopped;
  } finally {
    await o.source.close();
  }
}
