// A real single-node Kafka broker (KRaft) as a child process, for the test run's shared broker
// (test/global-setup.ts) and for tests that stop, kill or restart a broker of their own.
// It runs `scripts/kafka.sh run`, so the broker's settings have one home
// (scripts/kafka/server.properties.in); readiness is scripts/kafka/probe.mjs's Metadata probe.
// No vitest import here: global setup runs this module outside a test worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForBroker } from '../../scripts/kafka/probe.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(ROOT, 'scripts/kafka.sh');
const LIBS = path.join(ROOT, '.kafka/libs');
const HOST = '127.0.0.1';

export interface StartBrokerOptions {
  /** Run directory (config, data/, kafka.log, stdout.log). Default: a new temp dir, removed by destroy(). */
  dir?: string;
  /** Client port. Default: a free port (and a retry with new ports if it was taken meanwhile). */
  port?: number;
  /** Controller port. Default: a free port. */
  controllerPort?: number;
  /** Process start to a Metadata answer, in ms. Default 90_000 (a JVM on 2 busy cores). */
  startTimeoutMs?: number;
  /** SIGTERM to SIGKILL, in ms. Default 30_000. */
  stopTimeoutMs?: number;
}

export interface KafkaBroker {
  /** Bootstrap address for clients: "127.0.0.1:PORT". Stays the same across restart(). */
  readonly brokers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly dir: string;
  /** The JVM's pid while running, else undefined. */
  readonly pid: number | undefined;
  /** Clean shutdown: SIGTERM, SIGKILL after stopTimeoutMs. No-op when not running. */
  stop(): Promise<void>;
  /** SIGKILL, for crash tests. No-op when not running. */
  kill(): Promise<void>;
  /** Stops if running, then starts again on the same ports and data dir; resolves when ready. */
  restart(): Promise<void>;
  /** stop(), then removes the run directory if startBroker created it. */
  destroy(): Promise<void>;
  /** Last lines of kafka.log (WARN and above) and stdout.log. */
  logTail(lines?: number): string;
}

/** The broker did not become ready; `logTail` holds the end of its logs. */
export class BrokerStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(`${message}\n${logTail}`);
    this.name = 'BrokerStartError';
  }
}

/** True when `scripts/kafka.sh fetch` has put the Kafka jars in .kafka/libs. */
export function kafkaJarsPresent(): boolean {
  return existsSync(LIBS) && readdirSync(LIBS).some((f) => /^kafka_2\.13-.*\.jar$/.test(f));
}

/** Two different ports the kernel reports free on 127.0.0.1 (held together, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, () => resolve());
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function tailOf(file: string, lines: number): string {
  if (!existsSync(file)) return `(${file} does not exist)`;
  const text = readFileSync(file, 'utf8').trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}

const BIND_FAILURE = /Address already in use|BindException/;
const PORT_ATTEMPTS = 3;

export async function startBroker(options: StartBrokerOptions = {}): Promise<KafkaBroker> {
  if (!kafkaJarsPresent()) {
    throw new BrokerStartError('no Kafka jars in .kafka/libs', 'run: scripts/kafka.sh fetch');
  }
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'logagg-kafka-')));
  mkdirSync(dir, { recursive: true });
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const fixedPorts = options.port !== undefined;

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let port = 0;
  let controllerPort = 0;

  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;

  const logTail = (lines = 30): string =>
    [
      `--- ${path.join(dir, 'kafka.log')} (tail) ---`,
      tailOf(path.join(dir, 'kafka.log'), lines),
      `--- ${path.join(dir, 'stdout.log')} (tail) ---`,
      tailOf(path.join(dir, 'stdout.log'), lines),
    ].join('\n');

  const spawnBroker = (): void => {
    const out = openSync(path.join(dir, 'stdout.log'), 'a');
    try {
      const args = [SCRIPT, 'run', '--dir', dir, '--port', String(port), '--controller-port', String(controllerPort)];
      // --watch-pid: the broker stops itself if this process dies without stopping it.
      args.push('--watch-pid', String(process.pid));
      const proc = spawn('bash', args, {
        stdio: ['ignore', out, out],
        env: { ...process.env, KAFKA_CONSOLE_LEVEL: 'OFF' },
      });
      child = proc;
      exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    } finally {
      closeSync(out);
    }
  };

  const waitExit = async (timeoutMs: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = await Promise.race([exited.then(() => true), timeout]);
    clearTimeout(timer);
    return done;
  };

  const signal = async (sig: NodeJS.Signals, timeoutMs: number): Promise<void> => {
    if (!running()) return;
    child?.kill(sig);
    if (await waitExit(timeoutMs)) return;
    child?.kill('SIGKILL');
    await exited;
  };

  const stop = (): Promise<void> => signal('SIGTERM', stopTimeoutMs);
  const kill = (): Promise<void> => signal('SIGKILL', stopTimeoutMs);

  const launch = async (): Promise<void> => {
    spawnBroker();
    try {
      await waitForBroker(HOST, port, { timeoutMs: startTimeoutMs, isAlive: running });
    } catch (err) {
      await kill();
      const reason = err instanceof Error ? err.message : String(err);
      throw new BrokerStartError(`Kafka broker in ${dir} did not start: ${reason}`, logTail());
    }
  };

  for (let attempt = 1; ; attempt++) {
    const picked = await freePorts(2);
    port = options.port ?? picked[0]!;
    controllerPort = options.controllerPort ?? (picked[1] === port ? picked[0]! : picked[1]!);
    try {
      await launch();
      break;
    } catch (err) {
      // Another process may take a picked port between the pick and the JVM's bind.
      const retry = !fixedPorts && attempt < PORT_ATTEMPTS && BIND_FAILURE.test(logTail(10));
      if (!retry) {
        if (ownsDir) await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  return {
    get brokers() {
      return `${HOST}:${port}`;
    },
    get port() {
      return port;
    },
    get controllerPort() {
      return controllerPort;
    },
    dir,
    get pid() {
      return running() ? child?.pid : undefined;
    },
    stop,
    kill,
    async restart() {
      await stop();
      await launch();
    },
    async destroy() {
      await stop();
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
    logTail,
  };
}
