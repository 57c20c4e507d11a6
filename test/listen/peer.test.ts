import { expect, test } from 'vitest';
import { formatPeer } from '../../src/listen/peer.js';

test.each<[string | undefined, number | undefined, string]>([
  [undefined, undefined, 'unknown'],
  ['127.0.0.1', 514, '127.0.0.1:514'],
  ['::ffff:10.0.0.1', 40000, '10.0.0.1:40000'],
  ['::1', 514, '[::1]:514'],
  ['2001:db8::1', 6514, '[2001:db8::1]:6514'],
  ['10.0.0.1', undefined, '10.0.0.1'],
  ['::ffff:abcd', 1, '[::ffff:abcd]:1'],
])('%s %s -> %s', (address, port, want) => {
  expect(formatPeer(address, port)).toBe(want);
});
