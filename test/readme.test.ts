import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
// @ts-expect-error a plain ESM script without types
import { buildReadme } from '../scripts/build-readme.mjs';

test('README.md is the manual assembled from docs/ and config/default.yaml (run `npm run readme`)', () => {
  expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toBe(buildReadme());
});

test('the README starts with the two set-up commands', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const setup = readme.slice(readme.indexOf('## Set up'));
  expect(setup).toMatch(/npm ci && npm run demo/);
  expect(setup).toMatch(/npm ci && npm test/);
});
