import path from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { openStore } from '../../../src/store/store.js';
import { buildStatus, renderStatus } from '../../../src/cli/commands/status.js';
import { tempDir } from '../../helpers/temp.js';

test('status shows notification deliveries per channel and masks channel URLs', async () => {
  const db = path.join(tempDir(), 'l.db');
  openStore(db).close();
  const config = loadConfig({
    env: {},
    overrides: {
      'kafka.enabled': false,
      'storage.path': db,
      'notify.channels': { hook: { type: 'webhook', url: 'https://hooks.example.com/SECRET-PATH-123' } },
    },
  });
  const report = await buildStatus(config, { configFile: null, exact: false, kafka: false, timeoutMs: 1000 });
  expect(report.notifications).toEqual([]);
  const text = renderStatus(report, true);
  expect(text).toMatch(/NOTIFICATIONS {2}none/);
  expect(text).not.toMatch(/SECRET-PATH-123/);
  expect(JSON.stringify(report)).not.toMatch(/SECRET-PATH-123/);
});
