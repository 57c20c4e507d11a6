// The forwarder on a real SQLite store, with a sink that records what the "broker" acknowledged
// (or refuses, to play a broker that is down). The Kafka producer itself: forward.int.test.ts.
import { describe, expect, test } from 'vitest';
import type { OutMessage } from '../../src/core/forward-message.js';
import { Forwarder, type OutputSettings, type OutputSink } from '../../src/forward/forwarder.js';
import { createLogger } from '../../src/logger.js';
import { forwardStatus } from '../../src/store/forward-cursors.js';
import { LogWriter } from '../../src/store/log-writer.js';
import { maxLogId } from '../../src/store/log-follow.js';
import { alertChangeHead } from '../../src/store/alert-reader.js';
import type { Store } from '../../src/store/store.js';
import { batch, finding, transitionAlert } from '../notify/store-fixtures.js';
import { makeEvent, openTemp, T0, tempDbPath } from '../store/fixtures.js';
import { waitFor } from '../helpers/cli.js';

const logger = createLogger({ level: 'silent', format: 'json', write: () => undefined });

class FakeSink implements OutputSink {
  sent: { topic: string; messages: OutMessage[] }[] = [];
  failing: Error | null = null;
  async send(topic: string, messages: readonly OutMessage[]): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.failing) throw this.failing;
    this.sent.push({ topic, messages: [...messages] });
  }
  async close(): Promise<void> {}
  keys(topic = 'events'): string[] {
    return this.sent.filter((s) => s.topic === topic).flatMap((s) => s.messages.map((m) => m.key));
  }
}

const OUT: OutputSettings = { name: 'central', eventsTopic: 'events', alertsTopic: 'alerts', filter: {}, batch: 3, lingerMs: 0, start: 'beginning' };

function write(store: Store, n: number, over: (i: number) => Parameters<typeof makeEvent>[0] = () => ({})): number[] {
  return new LogWriter(store).writeBatch({ events: Array.from({ length: n }, (_, i) => makeEvent(over(i))), offsets: [] }).ids as number[];
}

function forwarder(store: Store, sink: OutputSink, out: Partial<OutputSettings> = {}, clock?: () => number): Forwarder {
  return new Forwarder({
    store,
    outputs: [{ settings: { ...OUT, ...out }, sink }],
    settings: { appliance: 'edge-1', pollIntervalMs: 10, backoffInitialMs: 10, backoffMaxMs: 20, degradedAfterMs: 1000 },
    logger,
    ...(clock ? { clock } : {}),
  });
}

const status = (store: Store, now = Date.now()) => forwardStatus(store, { logId: maxLogId(store), alertSeq: alertChangeHead(store) }, now);

describe('Forwarder', () => {
  test('an empty store: nothing sent, a cursor at 0', async () => {
    const store = openTemp();
    const sink = new FakeSink();
    const f = forwarder(store, sink);
    f.start();
    await waitFor('cursor', () => status(store).length === 1, 5000, 10);
    await f.stop();
    expect(sink.sent).toEqual([]);
    expect(status(store)[0]).toMatchObject({ output: 'central', last_log_id: 0, events_sent: 0, events_behind: 0, errors: 0, degraded: false });
  });

  test('every stored event once, in id order, in batches; then what comes later', async () => {
    const store = openTemp();
    const first = write(store, 7);
    const sink = new FakeSink();
    const f = forwarder(store, sink);
    f.start();
    await waitFor('7 sent', () => sink.keys().length === 7, 5000, 10);
    const later = write(store, 2);
    await waitFor('9 sent', () => sink.keys().length === 9, 5000, 10);
    await f.stop();
    expect(sink.sent.filter((s) => s.topic === 'events').map((s) => s.messages.length)).toEqual([3, 3, 1, 2]);
    const ids = sink.sent.flatMap((s) => s.messages.map((m) => (JSON.parse(m.value) as { appliance_log_id: number }).appliance_log_id));
    expect(ids).toEqual([...first, ...later]);
    expect(status(store)[0]).toMatchObject({ last_log_id: later[1], events_sent: 9, events_behind: 0 });
  });

  test('resumes from its cursor after a restart: nothing already acknowledged is sent again', async () => {
    const file = tempDbPath();
    const store = openTemp(file);
    write(store, 4);
    const a = new FakeSink();
    const f1 = forwarder(store, a);
    f1.start();
    await waitFor('4 sent', () => a.keys().length === 4, 5000, 10);
    await f1.stop();
    const more = write(store, 2);
    const b = new FakeSink();
    const f2 = forwarder(store, b);
    f2.start();
    await waitFor('2 sent', () => b.keys().length === 2, 5000, 10);
    await new Promise((r) => setTimeout(r, 50));
    await f2.stop();
    expect(b.sent.flatMap((s) => s.messages.map((m) => (JSON.parse(m.value) as { appliance_log_id: number }).appliance_log_id))).toEqual(more);
  });

  test('a broker that refuses: the cursor stays, the failure is recorded, degraded after the setting; then all is sent', async () => {
    const store = openTemp();
    write(store, 5);
    const sink = new FakeSink();
    sink.failing = new Error('KafkaJSNumberOfRetriesExceeded: leader not available');
    let now = T0;
    const f = forwarder(store, sink, {}, () => now);
    f.start();
    await waitFor('errors', () => (status(store, now)[0]?.errors ?? 0) >= 2, 5000, 10);
    expect(status(store, now)[0]).toMatchObject({ last_log_id: 0, events_sent: 0, events_behind: 5, failing_since: T0, degraded: false });
    expect(status(store, now)[0]!.last_error).toEqual({ at: T0, error: 'KafkaJSNumberOfRetriesExceeded: leader not available' });
    expect(status(store, T0 + 1001)[0]!.degraded).toBe(true);
    now = T0 + 5000;
    sink.failing = null;
    await waitFor('5 sent', () => sink.keys().length === 5, 5000, 10);
    await waitFor('recorded', () => status(store, now)[0]!.failing_since === null, 5000, 10);
    await f.stop();
    expect(status(store, now)[0]).toMatchObject({ events_sent: 5, events_behind: 0, failing_since: null, degraded: false, last_sent_at: T0 + 5000 });
    expect(new Set(sink.keys()).size).toBe(5);
  });

  test('the filter: only matching events are sent, and the cursor passes over the rest', async () => {
    const store = openTemp();
    const ids = write(store, 10, (i) => ({ host: i % 2 === 0 ? 'web-1' : 'db-1', level: i < 5 ? 3 : 6 }));
    const sink = new FakeSink();
    const f = forwarder(store, sink, { filter: { hosts: ['web-*'], minLevel: 4 } });
    f.start();
    await waitFor('cursor at the end', () => status(store)[0]?.last_log_id === ids[9], 5000, 10);
    await f.stop();
    const sent = sink.sent.flatMap((s) => s.messages.map((m) => JSON.parse(m.value) as { appliance_log_id: number; host: string }));
    expect(sent.map((e) => e.appliance_log_id)).toEqual([ids[0], ids[2], ids[4]]);
    expect(status(store)[0]).toMatchObject({ events_sent: 3, events_behind: 0 });
  });

  test('start: now skips what was stored before the output existed', async () => {
    const store = openTemp();
    write(store, 4);
    const sink = new FakeSink();
    const f = forwarder(store, sink, { start: 'now' });
    f.start();
    await waitFor('cursor', () => status(store).length === 1, 5000, 10);
    const later = write(store, 1);
    await waitFor('1 sent', () => sink.keys().length === 1, 5000, 10);
    await f.stop();
    expect(JSON.parse(sink.sent[0]!.messages[0]!.value).appliance_log_id).toBe(later[0]);
  });

  test('alerts: each change is sent with its version, keyed by appliance and alert id', async () => {
    const store = openTemp();
    batch(store, [finding({ rule_id: 'cpu-high', host: 'web-01' })], T0, { routes: [], channels: [], policy: { renotifyAfterMs: null, escalate: true } });
    const sink = new FakeSink();
    const f = forwarder(store, sink, { eventsTopic: null });
    f.start();
    await waitFor('1 alert', () => sink.keys('alerts').length === 1, 5000, 10);
    const id = (JSON.parse(sink.sent[0]!.messages[0]!.value) as { alert: { id: number } }).alert.id;
    expect(transitionAlert(store, id, { state: 'acknowledged', by: 'ops', at: T0 + 1, comment: 'looking' })).toBe(true);
    await waitFor('2 alerts', () => sink.keys('alerts').length === 2, 5000, 10);
    await f.stop();
    const msgs = sink.sent.flatMap((s) => s.messages.map((m) => ({ key: m.key, v: JSON.parse(m.value) as { version: number; alert: { state: string } } })));
    expect(msgs.map((m) => [m.key, m.v.alert.state])).toEqual([
      [`edge-1/${id}`, 'open'],
      [`edge-1/${id}`, 'acknowledged'],
    ]);
    expect(msgs[1]!.v.version).toBeGreaterThan(msgs[0]!.v.version);
    expect(sink.keys('events')).toEqual([]);
    // events are not forwarded by this output: none is "behind"
    expect(maxLogId(store)).toBeGreaterThan(0);
    expect(status(store)[0]).toMatchObject({ events_topic: null, alerts_topic: 'alerts', alerts_sent: 2, alerts_behind: 0, events_behind: 0 });
  });
});
