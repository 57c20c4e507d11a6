import { expect, test } from 'vitest';
import { canTransition, type AlertState } from '../../src/core/alert.js';

test.each<[AlertState, AlertState, boolean]>([
  ['open', 'open', true],
  ['open', 'acknowledged', true],
  ['open', 'resolved', true],
  ['acknowledged', 'open', true],
  ['acknowledged', 'acknowledged', true],
  ['acknowledged', 'resolved', true],
  ['resolved', 'open', true],
  ['resolved', 'resolved', true],
  ['resolved', 'acknowledged', false],
])('%s -> %s: %s', (from, to, ok) => expect(canTransition(from, to)).toBe(ok));
