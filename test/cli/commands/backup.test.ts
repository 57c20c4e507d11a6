// `logagg backup` and `logagg restore` as a user runs them: real files, the built CLI, the exit
// codes of the error catalog (1 runtime, 2 usage or config) and messages that say what to do.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { openStore } from '../../../src/store/store.js';
import { LogWriter } from '../../../src/store/log-writer.js';
import { countRows } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { makeEvent } from '../../store/fixtures.js';
import { cli, seedDb } from '../fixtures.js';

vi.setConfig({ testTimeout: 60_000 });

const events = (n: number) => Array.from({ length: n }, (_, i) => makeEvent({ message: `cli backup ${i}` }));

describe('logagg backup', () => {
  test('beside an open writer: progress on stderr, a JSON summary, and a copy that restores', async () => {
    const db = seedDb(events(300), [{ group: 'g', topic: 't', partition: 0, nextOffset: '300' }]);
    const dir = tempDir();
    const file = path.join(dir, 'b.db');
    const r = await cli(['backup', file, '--db', db.path, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backing up .* MiB in use\) to .*b\.db/);
    expect(r.stderr).toMatch(/done: /);
    expect(JSON.parse(r.stdout)).toMatchObject({ file, events: 300, offsets: 1, alerts: 0, encrypted: false, schema_version: MIGRATIONS.length });

    const again = await cli(['backup', file, '--db', db.path]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; give a new file name/);

    const target = path.join(dir, 'restored.db');
    const rs = await cli(['restore', file, '--db', target, '--json']);
    expect(rs.code, rs.stderr).toBe(0);
    expect(JSON.parse(rs.stdout)).toMatchObject({ database: target, events: 300, migrated_to: null });
    expect(countRows(target)).toBe(300);
  });

  test('a missing database is a clear error (exit 1)', async () => {
    const r = await cli(['backup', path.join(tempDir(), 'b.db'), '--db', path.join(tempDir(), 'none.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not exist; check --db or storage.path/);
  });

  test('an encrypted database backs up encrypted, restores with its key and refuses another', async () => {
    const dir = tempDir();
    const keyFile = path.join(dir, 'key');
    writeFileSync(keyFile, randomBytes(32).toString('hex'));
    const dbPath = path.join(dir, 'enc.db');
    const s = openStore(dbPath, { encryption: { key: Buffer.from(readFileSync(keyFile, 'utf8'), 'hex'), cipher: 'aegis' } });
    new LogWriter(s).writeBatch({ events: events(40), offsets: [] });
    s.close();
    const env = { LOGAGG_STORAGE_ENCRYPTION_ENABLED: 'true', LOGAGG_STORAGE_ENCRYPTION_KEY_FILE: keyFile };
    const file = path.join(dir, 'b.db');
    const b = await cli(['backup', file, '--db', dbPath, '--json'], env);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ encrypted: true, events: 40 });

    const plain = await cli(['restore', file, '--db', path.join(dir, 'x.db')]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/it is encrypted \(or not a SQLite database\)/);

    const otherKey = path.join(dir, 'other');
    writeFileSync(otherKey, randomBytes(32).toString('hex'));
    const wrong = await cli(['restore', file, '--db', path.join(dir, 'x.db')], { ...env, LOGAGG_STORAGE_ENCRYPTION_KEY_FILE: otherKey });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/wrong key or not encrypted/);

    const ok = await cli(['restore', file, '--db', path.join(dir, 'x.db'), '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).events).toBe(40);
  });
});

describe('logagg restore refuses', () => {
  test.each([
    ['a missing file', (dir: string) => path.join(dir, 'missing.db'), 1, /does not exist; check the path/],
    ['a directory', (dir: string) => dir, 2, /is not a file/],
    [
      'a file that is not a database',
      (dir: string) => {
        const f = path.join(dir, 'notes.txt');
        writeFileSync(f, 'these are not the pages you are looking for\n'.repeat(100));
        return f;
      },
      1,
      /not a SQLite database/,
    ],
    [
      'a newer schema',
      (dir: string) => {
        const f = path.join(dir, 'future.db');
        openStore(f, { migrations: [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'future', sql: 'CREATE TABLE future (x)' }] }).close();
        return f;
      },
      1,
      /schema version \d+ but this logagg knows only up to \d+; upgrade logagg/,
    ],
  ])('%s', async (_name, make, code, message) => {
    const dir = tempDir();
    const target = path.join(tempDir(), 'target.db');
    const r = await cli(['restore', make(dir), '--db', target]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });

  test('a database in use by a running logagg, which keeps its rows', async () => {
    const db = seedDb(events(5));
    const file = path.join(tempDir(), 'b.db');
    expect((await cli(['backup', file, '--db', db.path])).code).toBe(0);
    db.writer.writeBatch({ events: events(5), offsets: [] });
    const r = await cli(['restore', file, '--db', db.path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is in use by a running logagg .*stop it first/);
    expect(countRows(db.path)).toBe(10);
  });
});
