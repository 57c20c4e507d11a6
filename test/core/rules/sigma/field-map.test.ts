import { describe, expect, test } from 'vitest';
import { fieldValues } from '../../fields-reference.js';
import { DEFAULT_SIGMA_FIELD_MAP, sigmaFieldMap } from '../../../../src/core/rules/sigma/field-map.js';
import { makeEvent } from './event-factory.js';

describe('DEFAULT_SIGMA_FIELD_MAP', () => {
  test.each([
    ['Image', 'process'],
    ['SourceIp', 'src_ip'],
    ['User', 'user'],
    ['DestinationPort', 'dst_port'],
    ['CommandLine', 'attributes.CommandLine'],
    ['c-ip', 'src_ip'],
  ])('%s → %s', (name, path) => {
    expect(DEFAULT_SIGMA_FIELD_MAP[name]).toBe(path);
  });

  test('every target is a path logagg events have', () => {
    const e = makeEvent();
    const known = new Set(Object.keys(e));
    for (const path of Object.values(DEFAULT_SIGMA_FIELD_MAP)) {
      expect(known.has(path.split('.')[0] as string), path).toBe(true);
    }
    expect(fieldValues(e, 'attributes.CommandLine')).toEqual([]);
  });

  test('the configured map overrides and extends, without changing the default', () => {
    const m = sigmaFieldMap({ Image: 'attributes.Image', Foo: 'bar' });
    expect(m['Image']).toBe('attributes.Image');
    expect(m['Foo']).toBe('bar');
    expect(m['User']).toBe('user');
    expect(DEFAULT_SIGMA_FIELD_MAP['Image']).toBe('process');
    expect(Object.isFrozen(m)).toBe(true);
  });
});
