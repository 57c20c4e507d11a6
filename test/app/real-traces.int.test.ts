// Real log lines through the real consumer: the built CLI (`logagg consume`) with the shipped
// rule set (config/rules), a real Kafka broker and a real SQLite file. An sshd brute force as
// syslog file lines, a sudo refusal as journald JSON and a root login in a Filebeat envelope,
// all on one topic: the alerts table holds what the default rules say about them, and the
// stored events carry the decoded fields. (test/rules/real-traces.test.ts covers every rule and
// every wrapping without the process around it.)
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { countRows, startCli, waitFor } from '../helpers/cli.js';
import { createTopic, describeKafka, produce, requireKafka, uniqueTopic } from '../helpers/kafka.js';
import { tempDir } from '../helpers/temp.js';
import { v1File } from '../helpers/v1-rows.js';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `Nov 20 10:16:03` for t (UTC): the RFC 3164 stamp a syslog file line starts with. */
function stamp(t: number): string {
  const d = new Date(t);
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

describeKafka('real traces through logagg consume (real broker, real SQLite)', () => {
  test('a brute force in file lines, a sudo refusal from journald and a root login via Filebeat raise their alerts', async () => {
    const brokers = requireKafka();
    const topic = uniqueTopic('real-traces');
    await createTopic(brokers, topic, 1);
    // Recent times (a minute ago), whole seconds: year-less stamps resolve to this year.
    const T0 = Math.floor((Date.now() - 120_000) / 1000) * 1000;
    const ip = '100.64.3.50';
    const file = (s: number, pid: number, msg: string) => `${stamp(T0 + s * 1000)} bastion sshd[${pid}]: ${msg}`;
    const messages: string[] = [];
    for (let k = 0; k < 8; k++) {
      const s = k * 6;
      const pid = 2100 + k;
      const port = 40000 + k;
      if (k % 2 === 0) {
        messages.push(file(s, pid, `Invalid user admin from ${ip} port ${port}`));
        messages.push(file(s + 2, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`));
        messages.push(file(s + 3, pid, `Failed password for invalid user admin from ${ip} port ${port} ssh2`));
      } else {
        messages.push(file(s, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`));
        messages.push(file(s + 2, pid, `Failed password for root from ${ip} port ${port} ssh2`));
      }
    }
    // journalctl -o json: the message without a header
    messages.push(
      JSON.stringify({
        __REALTIME_TIMESTAMP: String((T0 + 60_000) * 1000 + 417),
        _HOSTNAME: 'bastion',
        _TRANSPORT: 'syslog',
        SYSLOG_IDENTIFIER: 'sudo',
        SYSLOG_FACILITY: '10',
        PRIORITY: '5',
        _UID: '1001',
        MESSAGE: 'mallory : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash',
      }),
    );
    // Filebeat reading /var/log/auth.log on another host
    messages.push(
      JSON.stringify({
        '@timestamp': new Date(T0 + 70_000 + 250).toISOString(),
        agent: { type: 'filebeat', version: '8.11.0' },
        ecs: { version: '8.0.0' },
        host: { name: 'db-1' },
        log: { file: { path: '/var/log/auth.log' } },
        message: `${stamp(T0 + 70_000)} db-1 sshd[3001]: Accepted publickey for root from 100.64.1.20 port 50522 ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0`,
      }),
    );
    await produce(brokers, topic, messages);

    const db = path.join(tempDir(), 'logagg.db');
    const cli = startCli(['consume'], {
      LOGAGG_KAFKA_BROKERS: brokers,
      LOGAGG_KAFKA_TOPICS: topic,
      LOGAGG_KAFKA_GROUP_ID: `g-${topic}`,
      LOGAGG_STORAGE_PATH: db,
      LOGAGG_KAFKA_BATCH_LINGER: '50ms',
      LOGAGG_LOG_FORMAT: 'json',
      LOGAGG_DETECTION_RULES_DIR: path.resolve('config/rules'),
    });
    try {
      await waitFor('all messages stored', () => countRows(db) === messages.length, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}; the consumer said:\n${cli.output().slice(-3000)}`);
      });
      await waitFor('three alerts', () => countRows(db, 'SELECT count(*) FROM alerts') >= 3, 30_000);
    } finally {
      cli.proc.kill('SIGTERM');
    }
    expect((await cli.exited).code).toBe(0);

    const conn = new Database(db, { readonly: true });
    try {
      const alerts = conn.prepare('SELECT rule_id, severity, host, title FROM alerts ORDER BY rule_id').all();
      expect(alerts).toEqual([
        { rule_id: 'brute-force-src-ip', severity: 'HIGH', host: 'bastion', title: `8 failed logins from ${ip} in 1m` },
        { rule_id: 'ssh-root-login', severity: 'MEDIUM', host: 'db-1', title: 'Root login over SSH on db-1 from 100.64.1.20' },
        { rule_id: 'sudo-not-in-sudoers', severity: 'HIGH', host: 'bastion', title: 'mallory is not in sudoers on bastion' },
      ]);
      // what the decoders read, as stored
      const events = v1File(db);
      const failed = events.prepare("SELECT ts, host, process, pid, user, src_ip, src_port, format FROM logs WHERE message LIKE 'Failed password for root%' ORDER BY ts LIMIT 1").get();
      expect(failed).toEqual({ ts: T0 + 8_000, host: 'bastion', process: 'sshd', pid: 2101, user: 'root', src_ip: ip, src_port: 40001, format: 'syslog3164' });
      events.close();
    } finally {
      conn.close();
    }
  });
});
