/**
 * The benchmark's way of filling a store: the mix's messages normalized and enriched as the
 * consumer would, written by the real LogWriter in the writer's default 5,000-event
 * transactions with an offset row each. Used by the store-only ceiling and the storage suite.
 * Not part of the appliance.
 */
import { enrich, EMPTY_ENRICH_CONTEXT } from '../core/enrich.js';
import type { NormalizedEvent } from '../core/event.js';
import { normalizeMessage } from '../core/normalize.js';
import { LogWriter } from '../store/log-writer.js';
import type { Store } from '../store/store.js';
import { mixMessages, type MixName } from '../tools/sample-producer.js';

/** = kafka.batch.max_messages default. */
export const CHUNK = 5000;

/** Writes `count` messages of the mix; returns the milliseconds spent inside the writer's transactions. */
export function writeMix(store: Store, mix: MixName, count: number, opts: { start: number; onMessage?: (value: string) => void }): number {
  const writer = new LogWriter(store);
  let timed = 0;
  let chunk: NormalizedEvent[] = [];
  let offset = 0;
  const flush = (): void => {
    const t0 = performance.now();
    writer.writeBatch({ events: chunk, offsets: [{ group: 'bench', topic: 'bench', partition: 0, nextOffset: String(offset) }] });
    timed += performance.now() - t0;
    chunk = [];
  };
  const receivedAt = Date.now();
  for (const m of mixMessages(mix, count, { seed: 7, start: opts.start })) {
    opts.onMessage?.(m.value);
    const event = normalizeMessage(Buffer.from(m.value), {
      source: { kind: 'kafka', topic: 'bench', partition: 0, offset: String(offset++) },
      receivedAt,
      maxBytes: 256 * 1024,
    });
    chunk.push(enrich(event, EMPTY_ENRICH_CONTEXT));
    if (chunk.length === CHUNK) flush();
  }
  if (chunk.length) flush();
  return timed;
}
