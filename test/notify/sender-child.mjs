// A sender alone in a child process, over the built code (lib/, built by `npm test`'s pretest):
// the crash tests kill it with SIGKILL at chosen instants. Arguments: DB_FILE WEBHOOK_URL.
import { createLogger } from '../../lib/logger.js';
import { NotifySender } from '../../lib/notify/sender.js';
import { openStore } from '../../lib/store/store.js';

const [db, url] = process.argv.slice(2);
const store = openStore(db);
const sender = new NotifySender({
  store,
  channels: [{ type: 'webhook', name: 'hook', url, method: 'POST', headers: {}, template: null, contentType: 'application/json' }],
  settings: { pollIntervalMs: 20, batch: 50, timeoutMs: 5000, retry: { initialMs: 50, maxMs: 200, giveUpAfterMs: 600_000 }, keepMs: 86_400_000 },
  dashboardUrl: null,
  logger: createLogger({ level: 'info', format: 'json' }),
});
sender.start();
process.stdout.write('sender started\n');
process.on('SIGTERM', () => {
  sender.stop().then(() => {
    store.close();
    process.exit(0);
  });
});
