// The summary `logagg replay` prints (the ranges it reads: test/ingest/replay.test.ts); the
// command itself runs against the real broker in replay.int.test.ts.
import { expect, test } from 'vitest';
import { renderSummary } from '../../../src/cli/commands/replay.js';
import type { ReplaySummary } from '../../../src/ingest/replay.js';

test('the summary says what was read, inserted and already there, and when a range is incomplete', () => {
  const s: ReplaySummary = {
    topic: 't',
    group: 'g',
    partitions: [
      { partition: 0, from: '0', to: '9', read: 10, complete: true },
      { partition: 1, from: '3', to: '5', read: 1, complete: false },
    ],
    read: 11,
    inserted: 4,
    already_present: 7,
    parse_errors: 2,
    stopped_early: true,
  };
  expect(renderSummary(s)).toBe(
    'replayed t: 11 messages read, 4 inserted, 7 already present, 2 could not be decoded (stored with parse_error)\n' +
      '  partition 0: offsets 0..9, 10 read\n' +
      '  partition 1: offsets 3..5, 1 read (INCOMPLETE)\n' +
      'replay stopped before the end of the range; run it again to finish (nothing is doubled)\n',
  );
  expect(renderSummary({ ...s, partitions: [], read: 0, inserted: 0, already_present: 0, parse_errors: 0, stopped_early: false })).toBe(
    'replayed t: 0 messages read, 0 inserted, 0 already present\n  nothing to read in that range\n',
  );
});
