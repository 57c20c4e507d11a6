// The variables the CLI reads itself: each by its documented name, raw (a command decides what
// an empty value means), and the same set loadConfig leaves out of the config layer.
import { expect, test } from 'vitest';
import { cliEnv } from '../../src/config/environment.js';
import { RESERVED_ENV } from '../../src/config/load.js';

test.each<[string, keyof ReturnType<typeof cliEnv>]>([
  ['LOGAGG_CONFIG', 'configFile'],
  ['LOGAGG_URL', 'url'],
  ['LOGAGG_TOKEN', 'token'],
  ['LOGAGG_JWT_SECRET', 'jwtSecret'],
])('%s -> %s, unset, empty and blank kept as they are', (name, key) => {
  expect(cliEnv({})[key]).toBeUndefined();
  expect(cliEnv({ [name]: '' })[key]).toBe('');
  expect(cliEnv({ [name]: '  ' })[key]).toBe('  ');
  expect(cliEnv({ [name]: 'v' })[key]).toBe('v');
  expect(RESERVED_ENV.has(name)).toBe(true);
});

test('every reserved variable is read, and the whole environment is handed on (notification secrets, NO_COLOR)', () => {
  const vars = { LOGAGG_CONFIG: 'a', LOGAGG_URL: 'b', LOGAGG_TOKEN: 'c', LOGAGG_JWT_SECRET: 'd', PD_KEY: 'k', NO_COLOR: '1' };
  const env = cliEnv(vars);
  expect([env.configFile, env.url, env.token, env.jwtSecret]).toEqual(['a', 'b', 'c', 'd']);
  expect(RESERVED_ENV.size).toBe(4);
  expect(env.vars).toBe(vars);
});
