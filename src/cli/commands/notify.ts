import { Option, type Command } from 'commander';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { notifySecretEnv } from '../../config/sections/notify.js';
import { LogaggError } from '../../errors.js';
import { httpSender } from '../../notify/http-send.js';
import { sampleMessage } from '../../core/message-view.js';
import { notifyStatus, type ChannelStatus } from '../../store/notify-status.js';
import { resolveChannels } from '../../notify/secrets.js';
import { channelSecrets, deliver } from '../../notify/transports.js';
import { openStore } from '../../store/store.js';
import { cliContext } from '../context.js';
import { OutputSink } from '../output/sink.js';
import { TableWriter } from '../output/table.js';

/**
 * `logagg notify test CHANNEL`: sends a made-up LOW alert to one configured channel now, straight
 * (not through the outbox), and says what the endpoint answered; `--resolve` follows it with
 * the matching resolve (PagerDuty: closes the test incident). `logagg notify status`: pending,
 * sent and failed notifications per channel, read from the database (safe beside `serve`).
 */
export function registerNotify(program: Command): void {
  const notify = program.command('notify').description('alert notification channels: send a test message, show delivery status');

  notify
    .command('test')
    .description('send a test notification to a configured channel (notify.channels.NAME)')
    .argument('<channel>', 'channel name')
    .option('--resolve', 'then send the matching "resolved" message (PagerDuty: closes the test incident)')
    .addHelpText(
      'after',
      `
Examples:
  logagg notify test ops-slack
  PD_ROUTING_KEY=... logagg -c /etc/logagg.yaml notify test pager --resolve

Exit status: 0 when the endpoint accepted every message (2xx), 1 otherwise.`,
    )
    .action(async (name: string, flags: { resolve?: boolean }, cmd: Command) => {
      const { config, env } = cliContext(cmd);
      const channels = resolveChannels(config.notify.channels, notifySecretEnv(config.notify, env.vars));
      const channel = channels.find((c) => c.name === name);
      if (channel === undefined) {
        const known = channels.map((c) => c.name);
        throw new LogaggError('USAGE', `no channel "${name}" under notify.channels${known.length ? `; configured: ${known.join(', ')}` : '; none is configured'}`);
      }
      const now = Date.now();
      // A negative outbox id: never one of a real delivery, and new at every run, so a receiver
      // that drops repeated Idempotency-Keys still shows each test.
      const trigger = sampleMessage(now, { outbox_id: -now, link: config.notify.dashboard_url });
      const messages = flags.resolve ? [trigger, { ...trigger, outbox_id: -now - 1, kind: 'resolve' as const, alert: { ...trigger.alert, state: 'resolved' as const } }] : [trigger];
      const http = httpSender({ timeoutMs: config.notify.sender.timeout, secrets: channelSecrets(channel) });
      for (const m of messages) {
        const started = performance.now();
        let status = 0;
        try {
          await deliver(channel, m, {
            send: async (url, req) => {
              status = await http.send(url, req);
            },
          });
        } catch (e) {
          process.stderr.write(`logagg: ${m.kind} to ${name} (${channel.type}) failed: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${m.kind} sent to ${name} (${channel.type}): HTTP ${status} in ${Math.round(performance.now() - started)} ms\n`);
      }
    });

  notify
    .command('status')
    .description('pending, sent and failed notifications per channel (from the database)')
    .option('--db <file>', 'SQLite database file (storage.path)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (flags: { db?: string; output: 'table' | 'json' }, cmd: Command) => {
      const { config } = cliContext(cmd, { 'storage.path': flags.db });
      const store = openStore(config.storage.path, { ...storeOptionsFromConfig(config), readonly: true });
      let rows: ChannelStatus[];
      try {
        rows = notifyStatus(store);
      } finally {
        store.close();
      }
      // Configured channels that have sent nothing yet are listed too.
      for (const name of Object.keys(config.notify.channels)) {
        if (!rows.some((r) => r.channel === name)) rows.push({ channel: name, pending: 0, sent: 0, failed: 0, retries: 0, oldest_pending_at: null, last_failure: null });
      }
      const sink = new OutputSink(process.stdout);
      try {
        await sink.write(flags.output === 'json' ? JSON.stringify({ channels: rows }, null, 2) + '\n' : renderNotifyStatus(rows, process.stdout.isTTY ? (process.stdout.columns ?? 100) : null));
        await sink.flush();
      } finally {
        sink.dispose();
      }
    });
}

export function renderNotifyStatus(rows: readonly ChannelStatus[], width: number | null): string {
  if (rows.length === 0) return 'no notification channels configured and no notifications in the database\n';
  const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
  const table = new TableWriter<ChannelStatus>(
    [
      { header: 'CHANNEL', value: (r) => r.channel },
      { header: 'PENDING', value: (r) => String(r.pending) },
      { header: 'SENT', value: (r) => String(r.sent) },
      { header: 'FAILED', value: (r) => String(r.failed) },
      { header: 'RETRIES', value: (r) => String(r.retries) },
      { header: 'OLDEST PENDING', value: (r) => iso(r.oldest_pending_at) },
      { header: 'LAST FAILURE', value: (r) => (r.last_failure === null ? '-' : `${iso(r.last_failure.at)} ${r.last_failure.error}`), flex: true },
    ],
    { width, color: false },
  );
  return table.render(rows);
}
