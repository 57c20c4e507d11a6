/**
 * A deterministic generator of realistic log messages in every supported format, used by the
 * demo producer and the benchmark. Sizes are typical of each format (150–600 bytes).
 * Pure: the PRNG is seeded, the clock is passed in.
 */

export type MixFormat = 'json' | 'syslog5424' | 'syslog3164' | 'cef' | 'logfmt' | 'text' | 'malformed';

export interface MixMessage {
  topic: string;
  format: MixFormat;
  value: string;
}

export interface MixOptions {
  seed?: number;
  /** Event time of the first message, epoch ms. */
  start: number;
  /** Milliseconds between consecutive messages' timestamps. */
  stepMs?: number;
  /** Host count; hosts are named web-01…, db-01…, edge-01…. */
  hosts?: number;
  /** Share of each format, summing to 1. */
  weights?: Partial<Record<MixFormat, number>>;
  topics?: { metrics: string; threats: string };
}

const DEFAULT_WEIGHTS: Record<MixFormat, number> = {
  json: 0.4,
  syslog5424: 0.15,
  syslog3164: 0.15,
  cef: 0.1,
  logfmt: 0.1,
  text: 0.099,
  malformed: 0.001,
};

const PROCS = ['sshd', 'nginx', 'postgres', 'cron', 'systemd', 'dockerd', 'kubelet', 'haproxy'];
const USERS = ['alice', 'bob', 'carol', 'deploy', 'root', 'svc-backup'];
const WORDS = ['connection', 'accepted', 'closed', 'timeout', 'request', 'completed', 'upstream', 'cache', 'miss', 'hit', 'session', 'opened', 'for', 'user', 'from', 'port', 'retrying', 'backend', 'healthy', 'degraded'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* messageMix(count: number, opts: MixOptions): Generator<MixMessage> {
  const rnd = prng(opts.seed ?? 42);
  const step = opts.stepMs ?? 1;
  const hostCount = opts.hosts ?? 24;
  const topics = opts.topics ?? { metrics: 'system-metrics', threats: 'threat-logs' };
  const weights = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const formats = Object.keys(weights) as MixFormat[];
  const cumulative: number[] = [];
  let acc = 0;
  for (const f of formats) cumulative.push((acc += weights[f]));

  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(rnd() * arr.length)] as T;
  const host = (): string => {
    const n = Math.floor(rnd() * hostCount);
    const kind = ['web', 'db', 'edge'][n % 3] as string;
    return `${kind}-${String(Math.floor(n / 3) + 1).padStart(2, '0')}`;
  };
  const ip = (): string => `10.${Math.floor(rnd() * 4)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
  const sentence = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');

  for (let i = 0; i < count; i++) {
    const ts = opts.start + i * step;
    const iso = new Date(ts).toISOString();
    const r = rnd() * acc;
    let format: MixFormat = 'text';
    for (let j = 0; j < formats.length; j++) {
      if (r < (cumulative[j] as number)) {
        format = formats[j] as MixFormat;
        break;
      }
    }
    const h = host();
    let value: string;
    let topic = topics.metrics;
    switch (format) {
      case 'json': {
        const total = 16 * 1024 ** 3;
        const used = Math.floor(total * (0.3 + rnd() * 0.6));
        const cpu = Math.round((rnd() < 0.02 ? 90 + rnd() * 10 : 5 + rnd() * 70) * 10) / 10;
        const msg: Record<string, unknown> = {
          timestamp: iso,
          host: h,
          cpu_usage: cpu,
          memory_usage: { used, total, percentage: Math.round((used / total) * 1000) / 10 },
          net_in: Math.floor(rnd() * 5e6),
          net_out: Math.floor(rnd() * 5e6),
          process: pick(PROCS),
          service: 'node-exporter',
          region: 'eu-west-1',
        };
        if (rnd() < 0.05) {
          topic = topics.threats;
          msg.threats = [{ name: pick(['ransomware-beacon', 'cryptominer', 'ssh-bruteforce']), severity: pick(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']), tags: ['malware', 'edr'] }];
        }
        value = JSON.stringify(msg);
        break;
      }
      case 'syslog5424': {
        const pri = 8 * 4 + Math.floor(rnd() * 8);
        const proc = pick(PROCS);
        value = `<${pri}>1 ${iso} ${h} ${proc} ${1000 + Math.floor(rnd() * 30000)} ID${Math.floor(rnd() * 100)} [origin@32473 ip="${ip()}" software="${proc}"][meta sequenceId="${i}"] ${sentence(8 + Math.floor(rnd() * 10))}`;
        break;
      }
      case 'syslog3164': {
        const d = new Date(ts);
        const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
        const failed = rnd() < 0.3;
        const body = failed
          ? `Failed password for ${pick(USERS)} from ${ip()} port ${1024 + Math.floor(rnd() * 60000)} ssh2`
          : `Accepted publickey for ${pick(USERS)} from ${ip()} port ${1024 + Math.floor(rnd() * 60000)} ssh2: RSA SHA256:${Math.floor(rnd() * 1e12).toString(36)}`;
        value = `<${failed ? 37 : 38}>${stamp} ${h} sshd[${1000 + Math.floor(rnd() * 30000)}]: ${body}`;
        break;
      }
      case 'cef': {
        topic = topics.threats;
        const sev = Math.floor(rnd() * 11);
        value = `CEF:0|Acme|Firewall|4.2|${100 + Math.floor(rnd() * 50)}|Blocked connection attempt|${sev}|rt=${ts} src=${ip()} dst=${ip()} spt=${1024 + Math.floor(rnd() * 60000)} dpt=${pick([22, 80, 443, 3389, 445])} proto=TCP act=blocked dvchost=${h} msg=Policy deny rule \\= 42 cs1Label=policy cs1=edge-default`;
        break;
      }
      case 'logfmt': {
        value = `ts=${iso} level=${pick(['info', 'info', 'info', 'warn', 'error', 'debug'])} host=${h} app=api method=${pick(['GET', 'POST', 'PUT'])} path=/v1/orders/${Math.floor(rnd() * 1e6)} status=${pick([200, 200, 201, 404, 500])} duration_ms=${Math.floor(rnd() * 900)} user=${pick(USERS)} msg="${sentence(5)}"`;
        break;
      }
      case 'text': {
        value = `${iso} ${pick(['INFO', 'WARN', 'ERROR'])} [${h}] ${sentence(12 + Math.floor(rnd() * 12))}`;
        break;
      }
      default: {
        value = rnd() < 0.5 ? `{"timestamp": "${iso}", "host": "${h}", "cpu_usage": 12.5, "memory_usage": {"used":` : `\u0000\u0001binary\ufffd garbage ${i}`;
        break;
      }
    }
    yield { topic, format, value };
  }
}
