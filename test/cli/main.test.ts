import { expect, test } from 'vitest';
import { commandsFor } from '../../src/cli/main.js';

const ALL = commandsFor([]);

test.each([
  [['version'], ['version']],
  [['-c', 'x.yaml', 'query', '--from', '1h'], ['query']],
  [['--config', 'consume', 'serve'], ['serve']],
  [['--log-level', 'debug', 'tail'], ['tail']],
  [['help', 'rules'], ['rules']],
  [['help'], ALL],
  [['--help'], ALL],
  [['nosuch'], ALL],
  [[], ALL],
])('argv %j loads %j', (args, expected) => {
  expect(commandsFor(args)).toEqual(expected);
});

test('every command is known', () => {
  expect(ALL).toEqual(['consume', 'serve', 'token', 'query', 'status', 'prune', 'migrate', 'backup', 'restore', 'replay', 'tail', 'notify', 'rules', 'silence', 'user', 'parse', 'version']);
});
