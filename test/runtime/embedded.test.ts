import { afterEach, describe, expect, test } from 'vitest';
import { getEmbeddedDir } from '../../src/runtime/embedded.js';
import { installRuntime } from '../../src/runtime/runtime-handoff.js';

afterEach(() => installRuntime(undefined));

describe('getEmbeddedDir', () => {
  test('from node_modules (no executable runtime): undefined', () => {
    expect(getEmbeddedDir('rules')).toBeUndefined();
  });

  test('inside the executable: the runtime\'s answer for that name', () => {
    const asked: string[] = [];
    installRuntime({
      cacheDir: '/c',
      nativeBinding: () => undefined,
      embeddedDir: (name) => {
        asked.push(name);
        return name === 'rules' ? '/c/config/rules' : undefined;
      },
    });
    expect(getEmbeddedDir('rules')).toBe('/c/config/rules');
    expect(getEmbeddedDir('intel')).toBeUndefined();
    expect(asked).toEqual(['rules', 'intel']);
  });
});
