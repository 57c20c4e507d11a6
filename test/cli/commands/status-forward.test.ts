import path from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { openStore } from '../../../src/store/store.js';
import { LogWriter } from '../../../src/store/log-writer.js';
import { advanceEvents, openCursor, recordForwardError } from '../../../src/store/forward-cursors.js';
import { buildStatus, renderStatus } from '../../../src/cli/commands/status.js';
import { makeEvent } from '../../store/fixtures.js';
import { tempDir } from '../../helpers/temp.js';

test('status shows each forwarding output: ids behind, sent, errors, failing or not', async () => {
  const db = path.join(tempDir(), 'l.db');
  const w = openStore(db);
  const ids = new LogWriter(w).writeBatch({ events: [makeEvent(), makeEvent(), makeEvent(), makeEvent()], offsets: [] }).ids as number[];
  const now = Date.now();
  openCursor(w, 'central', { lastLogId: 0, lastAlertSeq: 0 }, { eventsTopic: 'ev', alertsTopic: null, degradedAfterMs: 300_000 }, now);
  advanceEvents(w, 'central', ids[2]!, 3, now);
  openCursor(w, 'dr-site', { lastLogId: 0, lastAlertSeq: 0 }, { eventsTopic: 'ev', alertsTopic: null, degradedAfterMs: 300_000 }, now);
  recordForwardError(w, 'dr-site', 'KafkaJSConnectionError: Connection error: connect ECONNREFUSED 10.0.0.9:9092', now - 600_000);
  w.close();
  const config = loadConfig({ env: {}, overrides: { 'kafka.enabled': false, 'storage.path': db } });
  const report = await buildStatus(config, { configFile: null, exact: false, kafka: false, timeoutMs: 1000 });
  expect(report.forwarding).toEqual([
    expect.objectContaining({ output: 'central', events_behind: 1, events_sent: 3, errors: 0, failing_since: null, degraded: false }),
    expect.objectContaining({ output: 'dr-site', events_behind: 4, events_sent: 0, errors: 1, failing_since: now - 600_000, degraded: true }),
  ]);
  const text = renderStatus(report, false);
  expect(text).toMatch(/^FORWARDING {2}$/m);
  expect(text).toMatch(/^ {2}central +1 +0 +3 +0 +0 +ok /m);
  expect(text).toMatch(/^ {2}dr-site +4 +0 +0 +0 +1 +DEGRADED since .*KafkaJSConnectionError/m);
});

test('no outputs: FORWARDING none', async () => {
  const db = path.join(tempDir(), 'l.db');
  openStore(db).close();
  const config = loadConfig({ env: {}, overrides: { 'kafka.enabled': false, 'storage.path': db } });
  const report = await buildStatus(config, { configFile: null, exact: false, kafka: false, timeoutMs: 1000 });
  expect(report.forwarding).toEqual([]);
  expect(renderStatus(report, false)).toMatch(/FORWARDING {2}none/);
});
