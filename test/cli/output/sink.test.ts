import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { OutputSink } from '../../../src/cli/output/sink.js';

test('write() waits for the stream to drain: a slow reader holds the writer back', async () => {
  const seen: number[] = [];
  let release: (() => void) | null = null;
  const stream = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _enc, cb) {
      seen.push(chunk.length);
      release = cb;
    },
  });
  const sink = new OutputSink(stream);
  let done = false;
  const p = sink.write('0123456789').then(() => (done = true));
  await new Promise((res) => setTimeout(res, 30));
  expect(done).toBe(false);
  release!();
  await p;
  expect(done).toBe(true);
  expect(seen).toEqual([10]);
  sink.dispose();
});

test('a reader that goes away (EPIPE) closes the sink; further writes are dropped without error', async () => {
  // A real pipe: the child reads one chunk and exits, like `| head -1`.
  const child = spawn(process.execPath, ['-e', "process.stdin.once('data', () => process.exit(0))"], { stdio: ['pipe', 'ignore', 'ignore'] });
  const sink = new OutputSink(child.stdin!);
  const exited = new Promise((res) => child.on('exit', res));
  await sink.write('first line\n');
  await exited;
  const line = 'x'.repeat(1000) + '\n';
  for (let i = 0; i < 2000 && !sink.closed; i++) await sink.write(line);
  expect(sink.closed).toBe(true);
  await sink.write('more');
  await sink.flush();
  sink.dispose();
});

test('another write error is raised on the next write', async () => {
  const stream = new Writable({
    write(_chunk, _enc, cb) {
      cb(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    },
  });
  const sink = new OutputSink(stream);
  await sink.write('a').catch(() => undefined);
  await new Promise((res) => setTimeout(res, 10));
  await expect(sink.write('b')).rejects.toThrow(/writing the output failed: disk full/);
  sink.dispose();
});
