// memory.heap_growth_percent: set once per process, before the worker threads (V8's flags are
// the process's); 0 leaves V8's own heuristic. Run in a child so this test process keeps its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const MODULE = fileURLToPath(new URL('../../lib/runtime/heap-growth.js', import.meta.url));

function run(code: string): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { applyHeapGrowth, heapGrowthApplied } from ${JSON.stringify(MODULE)};\n${code}`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

test('the first value is applied; a later, different one is ignored', () => {
  expect(run('applyHeapGrowth(50); applyHeapGrowth(200); console.log(heapGrowthApplied());')).toBe('50');
});

test('0 leaves V8 alone', () => {
  expect(run('applyHeapGrowth(0); console.log(heapGrowthApplied());')).toBe('null');
});

test('V8 takes the flag: a heap that keeps ~24 MiB live grows far less past it', () => {
  // Allocates 60 rounds of 100,000 small objects keeping the last two rounds, and prints the
  // largest heap V8 reserved. V8's own heuristic lets it grow several times the live data.
  const loop = 'let keep = [], peak = 0; for (let r = 0; r < 60; r++) { const a = []; for (let i = 0; i < 100000; i++) a.push({ i, s: "x" + i }); keep.push(a); if (keep.length > 2) keep.shift(); peak = Math.max(peak, process.memoryUsage().heapTotal); } console.log(Math.round(peak / 1048576));';
  const own = Number(run(loop));
  const capped = Number(run(`applyHeapGrowth(10); ${loop}`));
  expect(capped).toBeLessThan(own);
});
