// Readiness probe for a Kafka broker, with no dependencies: sends one Metadata request (v4, a
// version Kafka 2.x-4.x all accept) over a raw socket and resolves with the brokers the cluster
// reports. A broker that answers it with at least one live broker is ready for clients.
// Used by scripts/kafka.sh (as a CLI) and test/helpers/kafka-broker.ts (as a module).
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const METADATA = 3;
const METADATA_VERSION = 4;
const CLIENT_ID = 'logagg-probe';

function metadataRequest(correlationId) {
  const clientId = Buffer.from(CLIENT_ID, 'utf8');
  // header v1: api_key, api_version, correlation_id, client_id; body v4: topics (empty array =
  // none, so the answer stays small), allow_auto_topic_creation.
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(METADATA, o);
  o = body.writeInt16BE(METADATA_VERSION, o);
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt32BE(0, o);
  body.writeInt8(0, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

function parseMetadataResponse(frame, correlationId) {
  let o = 0;
  const readInt32 = () => { const v = frame.readInt32BE(o); o += 4; return v; };
  const readString = () => {
    const len = frame.readInt16BE(o); o += 2;
    if (len < 0) return null;
    const s = frame.toString('utf8', o, o + len); o += len;
    return s;
  };
  const got = readInt32();
  if (got !== correlationId) throw new Error(`correlation id ${got}, expected ${correlationId}`);
  readInt32(); // throttle_time_ms
  const count = readInt32();
  const brokers = [];
  for (let i = 0; i < count; i++) {
    const nodeId = readInt32();
    const host = readString();
    const port = readInt32();
    readString(); // rack
    brokers.push({ nodeId, host, port });
  }
  const clusterId = readString();
  const controllerId = readInt32();
  return { brokers, clusterId, controllerId };
}

/**
 * One Metadata round trip to host:port.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs] whole round trip, connect included
 * @returns {Promise<{brokers: {nodeId: number, host: string, port: number}[], clusterId: string | null, controllerId: number}>}
 */
export function probeMetadata(host, port, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const correlationId = 1 + Math.floor(Math.random() * 1e9);
    const socket = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const done = (err, value) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err); else resolve(value);
    };
    const timer = setTimeout(() => done(new Error(`no Metadata answer from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(metadataRequest(correlationId)));
    socket.on('error', (err) => done(err));
    socket.on('close', () => done(new Error(`${host}:${port} closed the connection before answering`)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const size = buf.readInt32BE(0);
      if (buf.length < 4 + size) return;
      try {
        done(null, parseMetadataResponse(buf.subarray(4, 4 + size), correlationId));
      } catch (err) {
        done(err);
      }
    });
  });
}

/**
 * Polls until the broker answers Metadata with at least one live broker.
 * @param {string} host
 * @param {number} port
 * @param {{timeoutMs?: number, intervalMs?: number, isAlive?: () => boolean}} [options]
 *   isAlive: checked between tries, so a broker process that died fails fast
 */
export async function waitForBroker(host, port, options = {}) {
  const { timeoutMs = 90_000, intervalMs = 200, isAlive = () => true } = options;
  const deadline = Date.now() + timeoutMs;
  let last = new Error('never tried');
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`broker process exited before ${host}:${port} was ready (last probe: ${last.message})`);
    try {
      const meta = await probeMetadata(host, port, Math.min(2000, Math.max(500, deadline - Date.now())));
      if (meta.brokers.length > 0) return meta;
      last = new Error('Metadata answer listed no live broker yet');
    } catch (err) {
      last = err instanceof Error ? err : new Error(String(err));
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`broker ${host}:${port} not ready after ${timeoutMs} ms (last probe: ${last.message})`);
}

// CLI: node probe.mjs HOST:PORT [--wait TIMEOUT_MS] [--pid PID]
// exit 0 and print the Metadata answer when ready; exit 1 otherwise.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [addr, ...rest] = process.argv.slice(2);
  const m = /^(.*):(\d+)$/.exec(addr ?? '');
  if (!m) {
    console.error('usage: node probe.mjs HOST:PORT [--wait TIMEOUT_MS] [--pid PID]');
    process.exit(2);
  }
  const opt = (name) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : undefined; };
  const wait = opt('--wait');
  const pid = opt('--pid');
  const isAlive = () => {
    if (!pid) return true;
    try { process.kill(Number(pid), 0); return true; } catch { return false; }
  };
  const host = m[1];
  const port = Number(m[2]);
  const run = wait ? waitForBroker(host, port, { timeoutMs: Number(wait), isAlive }) : probeMetadata(host, port);
  run.then(
    (meta) => { console.log(JSON.stringify(meta)); },
    (err) => { console.error(err.message); process.exit(1); },
  );
}
