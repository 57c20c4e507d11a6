// The calls between the API thread and the main thread of `serve`, over a real MessageChannel:
// values, errors (a LogaggError keeps code, details and canRetry), time-outs, closing.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfigError, LogaggError, badRequest } from '../../src/errors.js';
import { AlertStateConflict } from '../../src/store/alert-store.js';
import { RpcClient, fromWireError, serveRpc, toWireError } from '../../src/runtime/thread-rpc.js';

type Calls = {
  add(a: number, b: number): number;
  later(ms: number): Promise<string>;
  fail(kind: string): never;
  bytes(b: Uint8Array[]): number[];
};

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function pair(timeoutMs = 1_000) {
  const ch = new MessageChannel();
  channels.push(ch);
  const stop = serveRpc<Calls>(ch.port1, {
    add: (a, b) => a + b,
    later: (ms) => new Promise((r) => setTimeout(() => r('late'), ms)),
    fail: (kind) => {
      if (kind === 'conflict') throw new AlertStateConflict(7, 'resolved', 'acknowledged');
      if (kind === 'bad') throw badRequest('cursor', 'not a cursor');
      if (kind === 'busy') throw new LogaggError('STORE_UNAVAILABLE', 'the ingest queue is full', { canRetry: true });
      if (kind === 'errno') throw Object.assign(new Error('listen EADDRINUSE: address already in use'), { code: 'EADDRINUSE' });
      throw new TypeError('x is not a function');
    },
    bytes: (b) => b.map((x) => x.byteLength),
  });
  return { client: new RpcClient<Calls>(ch.port2, timeoutMs), stop };
}

describe('RpcClient and serveRpc', () => {
  test('values come back; calls in flight are told apart by id', async () => {
    const { client } = pair();
    const [slow, fast] = await Promise.all([client.call('later', [30]), client.call('add', [2, 3])]);
    expect([slow, fast]).toEqual(['late', 5]);
    expect(await client.call('bytes', [[Buffer.from('abc'), new Uint8Array(5)]])).toEqual([3, 5]);
  });

  test.each([
    ['conflict', { code: 'CONFLICT', httpStatus: 409, name: 'AlertStateConflict', details: { param: 'state', alert: 7, from: 'resolved', to: 'acknowledged' }, canRetry: false }],
    ['bad', { code: 'BAD_REQUEST', httpStatus: 400, details: { param: 'cursor' }, message: 'cursor: not a cursor' }],
    ['busy', { code: 'STORE_UNAVAILABLE', httpStatus: 503, canRetry: true, message: 'the ingest queue is full' }],
  ])('a LogaggError thrown on the serving side (%s) arrives as a LogaggError with the same code, details, canRetry', async (kind, expected) => {
    const { client } = pair();
    const e = await client.call('fail', [kind]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LogaggError);
    expect(e).toMatchObject(expected);
  });

  test('any other error stays an Error (internal, 500) with its message, name and errno code', async () => {
    const { client } = pair();
    const errno = await client.call('fail', ['errno']).catch((x: unknown) => x);
    expect(errno).not.toBeInstanceOf(LogaggError);
    expect(errno).toMatchObject({ message: 'listen EADDRINUSE: address already in use', code: 'EADDRINUSE' });
    const other = (await client.call('fail', ['other']).catch((x: unknown) => x)) as Error;
    expect(other.name).toBe('TypeError');
    expect(other.stack).toMatch(/x is not a function/);
  });

  test('a call without an answer in time fails as STORE_UNAVAILABLE (503, retry); the late answer is dropped', async () => {
    const { client } = pair(50);
    await expect(client.call('later', [200])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', canRetry: true, message: expect.stringMatching(/did not answer within 50 ms/) });
    expect(await client.call('add', [1, 1], 1_000)).toBe(2);
  });

  test('an unknown method is an internal error; a closed client fails the calls waiting and every later one', async () => {
    const { client } = pair();
    await expect((client as unknown as RpcClient<Record<string, () => unknown>>).call('nope', [])).rejects.toMatchObject({ code: 'INTERNAL' });
    const waiting = client.call('later', [500]);
    client.close('the API is stopping');
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: 'the API is stopping' });
    await expect(client.call('add', [1, 2])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('toWireError and fromWireError', () => {
  test('a ConfigError keeps its code, exit code and problems (the start-up errors of the API)', () => {
    const e = fromWireError(toWireError(new ConfigError([{ key: 'api.tls.cert_file', message: 'cannot read /x: ENOENT' }])));
    expect(e).toBeInstanceOf(LogaggError);
    expect(e).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2, message: 'invalid configuration:\n  api.tls.cert_file: cannot read /x: ENOENT', details: { problems: [{ key: 'api.tls.cert_file' }] } });
  });

  test('a thrown non-Error becomes an Error with its text', () => {
    expect(fromWireError(toWireError('plain'))).toMatchObject({ message: 'plain' });
  });
});
