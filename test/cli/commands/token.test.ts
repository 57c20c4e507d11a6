import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { registerToken } from '../../../src/cli/commands/token.js';
import { tempDir } from '../../helpers/temp.js';

const SECRET = 'cli-test-secret-0123456789-0123456789-abc';

async function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  vi.unstubAllEnvs();
  vi.stubEnv('LOGAGG_CONFIG', '');
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const program = new Command('logagg').option('-c, --config <file>').option('--log-level <level>').exitOverride();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerToken(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'logagg', 'token', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.trim();
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('logagg token', () => {
  test('mints an HS256 token the API would accept: role, scope, subject, lifetime', async () => {
    const before = Math.floor(Date.now() / 1000);
    const t = await run(['--role', 'analyst', '--ttl', '8h', '--hosts', 'web-*, DB-1', '--sub', 'alice'], { LOGAGG_API_AUTH_SECRET: SECRET });
    const claims = jwt.verify(t, SECRET, { algorithms: ['HS256'] }) as Record<string, number | unknown>;
    expect(claims).toMatchObject({ sub: 'alice', roles: ['analyst'], hosts: ['web-*', 'db-1'] });
    expect((claims.exp as number) - (claims.iat as number)).toBe(8 * 3600);
    expect(claims.iat as number).toBeGreaterThanOrEqual(before);
  });

  test('several roles; the secret from LOGAGG_JWT_SECRET or a secret file; issuer and audience from config', async () => {
    const a = await run(['--role', 'viewer', '--role', 'ingest'], { LOGAGG_JWT_SECRET: SECRET });
    expect((jwt.verify(a, SECRET) as { roles: string[] }).roles).toEqual(['viewer', 'ingest']);
    const dir = tempDir();
    writeFileSync(path.join(dir, 'secret'), SECRET + '\n');
    writeFileSync(path.join(dir, 'c.yaml'), `api:\n  auth:\n    secret_file: ${path.join(dir, 'secret')}\n    issuer: logagg\n    audience: dash\n`);
    const b = await run(['--role', 'admin', '--ttl', '30m'], { LOGAGG_CONFIG: path.join(dir, 'c.yaml') });
    const claims = jwt.verify(b, SECRET, { issuer: 'logagg', audience: 'dash' }) as { exp: number; iat: number; hosts?: unknown; sub: string };
    expect(claims.exp - claims.iat).toBe(1800);
    expect(claims.hosts).toBeUndefined();
    expect(claims.sub).toBe('operator');
  });

  test.each<[string, string[], Record<string, string>, RegExp]>([
    ['an unknown role', ['--role', 'root'], { LOGAGG_API_AUTH_SECRET: SECRET }, /--role root: must be one of/],
    ['a bad ttl', ['--role', 'viewer', '--ttl', 'forever'], { LOGAGG_API_AUTH_SECRET: SECRET }, /--ttl forever/],
    ['a ttl over a year', ['--role', 'viewer', '--ttl', '400d'], { LOGAGG_API_AUTH_SECRET: SECRET }, /--ttl 400d/],
    ['empty hosts', ['--role', 'viewer', '--hosts', ','], { LOGAGG_API_AUTH_SECRET: SECRET }, /--hosts/],
    ['no secret', ['--role', 'viewer'], {}, /HS256 needs a secret/],
    ['a short secret', ['--role', 'viewer'], { LOGAGG_API_AUTH_SECRET: 'short' }, /at least 32/],
    ['an RS256 setup', ['--role', 'viewer'], { LOGAGG_API_AUTH_ALGORITHM: 'RS256' }, /identity provider/],
  ])('refuses %s', async (_n, args, env, message) => {
    await expect(run(args, env)).rejects.toThrow(message);
  });
});
