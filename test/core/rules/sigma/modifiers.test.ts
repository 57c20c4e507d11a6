import { describe, expect, test } from 'vitest';
import { parseModifiers } from '../../../../src/core/rules/sigma/modifiers.js';
import { SigmaProblem } from '../../../../src/core/rules/sigma/sigma-error.js';

function problem(mods: string[]): SigmaProblem {
  try {
    parseModifiers(mods, 'detection.sel: "F"');
  } catch (e) {
    if (e instanceof SigmaProblem) return e;
    throw e;
  }
  throw new Error(`accepted ${mods.join('|')}`);
}

describe('parseModifiers accepts', () => {
  test.each([
    [[], { type: 'string', position: null, all: false, cased: false }],
    [['contains'], { position: 'contains' }],
    [['contains', 'all'], { position: 'contains', all: true }],
    [['all', 'contains'], { position: 'contains', all: true }],
    [['startswith', 'cased'], { position: 'startswith', cased: true }],
    [['endswith', 'windash'], { position: 'endswith', windash: true }],
    [['windash', 'contains'], { position: 'contains', windash: true }],
    [['re'], { type: 're', reFlags: '' }],
    [['re', 'i', 'm', 's'], { type: 're', reFlags: 'ims' }],
    [['re', 'ignorecase'], { type: 're', reFlags: 'i' }],
    [['re', 'cased'], { type: 're', cased: true }],
    [['cidr'], { type: 'cidr' }],
    [['cidr', 'all'], { type: 'cidr', all: true }],
    [['exists'], { type: 'exists' }],
    [['gt'], { type: 'gt' }],
    [['lte'], { type: 'lte' }],
    [['base64'], { base64: 'base64' }],
    [['base64offset', 'contains'], { base64: 'base64offset', position: 'contains' }],
    [['utf16le', 'base64offset', 'contains'], { encoding: 'utf16le', base64: 'base64offset' }],
    [['wide', 'base64'], { encoding: 'utf16le', base64: 'base64' }],
    [['utf16be', 'base64'], { encoding: 'utf16be' }],
    [['utf16', 'base64'], { encoding: 'utf16' }],
    [['fieldref'], { type: 'fieldref' }],
    [['fieldref', 'cased'], { type: 'fieldref', cased: true }],
  ])('%j', (mods, expected) => {
    expect(parseModifiers(mods, 'x')).toMatchObject(expected);
  });
});

describe('parseModifiers refuses, naming the modifier', () => {
  test.each([
    [['foo'], 'unknown modifier "foo"', 'modifier foo'],
    [['contains', 'contains'], 'repeated', 'modifier contains'],
    [['contains', 'startswith'], 'cannot be combined', 'modifier startswith'],
    [['neq'], 'not supported', 'modifier neq'],
    [['hour'], 'time-part', 'modifier hour'],
    [['i'], 'sub-modifier of "re"', 'modifier i'],
    [['re', 'x'], 'unknown modifier "x"', 'modifier x'],
    [['re', 'contains'], 'cannot be combined with "contains"', 'modifier re'],
    [['cidr', 'contains'], 'cannot be combined', 'modifier cidr'],
    [['gt', 'lt'], 'cannot be combined', 'modifier lt'],
    [['exists', 'all'], '"all" cannot be combined', 'modifier all'],
    [['gt', 'cased'], '"cased" has no meaning', 'modifier cased'],
    [['utf16le'], 'only supported followed by base64', 'modifier utf16le'],
    [['base64', 'utf16le'], 'must come before', 'modifier utf16le'],
    [['contains', 'base64offset'], 'must come after', 'modifier base64offset'],
    [['base64', 'base64offset'], 'only one of base64', 'modifier base64offset'],
    [['windash', 'base64'], 'cannot be combined', 'modifier windash'],
    [['re', 'windash'], 'cannot be combined with "windash"', 'modifier re'],
    [['toString'], 'unknown modifier', 'modifier toString'],
  ])('%j', (mods, message, feature) => {
    const p = problem(mods);
    expect(p.message).toContain(message);
    expect(p.message).toContain('detection.sel: "F"');
    expect(p.feature).toBe(feature);
  });
});
