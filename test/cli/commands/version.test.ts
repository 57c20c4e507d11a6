import { Command } from 'commander';
import { describe, expect, test, vi } from 'vitest';
import { registerVersion } from '../../../src/cli/commands/version.js';
import { VERSION } from '../../../src/version.js';

async function run(): Promise<string> {
  const program = new Command('logagg').exitOverride();
  registerVersion(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'logagg', 'version']);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('logagg version', () => {
  test('prints logagg, Node.js and the SQLite library the store loads, with FTS5', async () => {
    const lines = (await run()).trimEnd().split('\n');
    expect(lines).toEqual([`logagg ${VERSION}`, `node ${process.versions.node}`, expect.stringMatching(/^sqlite 3\.\d+\.\d+ \(FTS5\)$/)]);
  });
});
