import { describe, expect, test } from 'vitest';
import { compileSigma } from '../../../../src/core/rules/sigma/compile-rule.js';
import { compileDetection } from '../../../../src/core/rules/sigma/detection.js';
import { EventMemo, FieldCache } from '../../../../src/core/rules/sigma/field-cache.js';
import { DEFAULT_SIGMA_FIELD_MAP } from '../../../../src/core/rules/sigma/field-map.js';
import { makeEvent } from './event-factory.js';
import { ev, hits, ruleDoc, sigmaCtx } from './sigma-kit.js';

const events = [
  ev({ EventID: 1, Img: 'a.exe' }), // 0
  ev({ EventID: 2, Img: 'b.exe' }), // 1
  ev({ EventID: 1, Img: 'b.exe' }), // 2
  ev({ EventID: 3 }), // 3
  ev({}), // 4
];

describe('search identifiers', () => {
  test.each([
    ['map: entries ANDed', { s: { EventID: 1, Img: 'b.exe' }, condition: 's' }, [2]],
    ['list of maps: ORed', { s: [{ EventID: 2 }, { Img: 'a.exe' }], condition: 's' }, [0, 1]],
    ['list of maps, each ANDed', { s: [{ EventID: 1, Img: 'b.exe' }, { EventID: 3 }], condition: 's' }, [2, 3]],
    ['field with a list: ORed', { s: { EventID: [2, 3] }, condition: 's' }, [1, 3]],
    ['condition list: ORed', { a: { EventID: 2 }, b: { EventID: 3 }, condition: ['a', 'b'] }, [1, 3]],
    ['not a and b = (not a) and b', { a: { EventID: 1 }, b: { Img: 'b.exe' }, condition: 'not a and b' }, [1]],
    ['not (a and b)', { a: { EventID: 1 }, b: { Img: 'b.exe' }, condition: 'not (a and b)' }, [0, 1, 3, 4]],
    ['1 of sel*', { sel_1: { EventID: 2 }, sel_2: { EventID: 3 }, other: { EventID: 1 }, condition: '1 of sel*' }, [1, 3]],
    ['all of sel*', { sel_id: { EventID: 1 }, sel_img: { Img: 'b.exe' }, condition: 'all of sel*' }, [2]],
    ['1 of them', { a: { EventID: 3 }, b: { Img: 'a.exe' }, condition: '1 of them' }, [0, 3]],
    ['all of them skips _names', { a: { EventID: 1 }, _b: { EventID: 99 }, condition: 'all of them' }, [0, 2]],
    ['1 of sel* and not 1 of filter*', { sel: { EventID: 1 }, filter_a: { Img: 'a.exe' }, filter_b: { Img: 'x' }, condition: '1 of sel* and not 1 of filter*' }, [2]],
    ['selection with null filter', { s: { EventID: [1, 3] }, f: { Img: null }, condition: 's and not f' }, [0, 2]],
    ['only absent-field selection', { s: { Img: null }, condition: 's' }, [3, 4]],
    ['not on its own', { s: { EventID: 1 }, condition: 'not s' }, [1, 3, 4]],
  ])('%s', (_name, detection, expected) => {
    expect(hits(detection, events)).toEqual(expected);
  });
});

describe('required fields (pre-check) follow the condition', () => {
  // hits() checks the rule against the matcher without the pre-check on every case.
  test.each([
    ['OR of different fields', { a: { EventID: 3 }, b: { Img: 'a.exe' }, condition: 'a or b' }],
    ['NOT of the only field', { a: { EventID: 1 }, condition: 'not a' }],
    ['list of maps of different fields', { a: [{ EventID: 3 }, { Img: 'a.exe' }], condition: 'a' }],
    ['exists false', { a: { 'Img|exists': false }, condition: 'a' }],
    ['null in a list', { a: { Img: [null, 'a.exe'] }, condition: 'a' }],
    ['1 of with one field absent', { s1: { EventID: 3 }, s2: { Img: 'b.exe' }, condition: '1 of s*' }],
  ])('%s', (_name, detection) => {
    expect(hits(detection, events).length).toBeGreaterThan(0);
  });

  test('keywords need no field', () => {
    expect(hits({ k: ['a.exe'], condition: 'k' }, [makeEvent({ message: 'ran a.exe', raw: '' }), makeEvent({ message: '', raw: 'x a.exe' })])).toEqual([0, 1]);
  });

  test('a selection\'s cheap fields come first', () => {
    const cache = new FieldCache();
    const det = compileDetection({ s: { 'CommandLine|re': 'x', 'Img|contains': 'y', EventID: 1 }, condition: 's' }, { registry: cache, fieldMap: DEFAULT_SIGMA_FIELD_MAP });
    expect(det.requires[0]).toBe(cache.slot('EventID'));
    expect(det.requires).toHaveLength(3);
  });

  test('nothing is required under OR of unrelated fields', () => {
    const cache = new FieldCache();
    const det = compileDetection({ a: { X: 1 }, b: { Y: 1 }, condition: 'a or b' }, { registry: cache, fieldMap: {} });
    expect(det.requires).toEqual([]);
  });
});

describe('matched values', () => {
  test('fields of matching selections outside not, with the event values', () => {
    const cache = new FieldCache();
    const det = compileDetection(
      {
        sel: { 'Image|endswith': '\\cmd.exe', 'CommandLine|contains': 'whoami' },
        alt: { User: 'nobody' },
        filter: { ParentImage: 'explorer.exe' },
        kw: ['whoami'],
        condition: '(sel or alt or kw) and not filter',
      },
      { registry: cache, fieldMap: DEFAULT_SIGMA_FIELD_MAP },
    );
    const e = makeEvent({ process: 'C:\\Windows\\cmd.exe', user: 'alice', message: 'ran whoami', raw: 'ran whoami', attributes: { CommandLine: 'cmd /c whoami', ParentImage: 'svchost.exe' } });
    const memo = new EventMemo(cache);
    cache.begin([e]);
    memo.bind(e, 0);
    expect(det.test(memo)).toBe(true);
    expect(det.describe(memo)).toEqual({ Image: 'C:\\Windows\\cmd.exe', CommandLine: 'cmd /c whoami', keywords: ['whoami'] });
  });

  test('list values are copied', () => {
    const tags = ['a', 'b'];
    const rule = compileSigma(ruleDoc({ s: { Tags: 'a' }, condition: 's' }), sigmaCtx());
    const [f] = rule.evaluate([ev({ Tags: tags })], null);
    expect(f?.matched).toEqual({ Tags: ['a', 'b'] });
    expect(f?.matched['Tags']).not.toBe(tags);
  });
});

describe('detection refused at load', () => {
  test.each([
    [{ condition: 's' }, 'has no search identifier'],
    [{ s: { A: 1 } }, '"detection.condition" must be a string'],
    [{ s: { A: 1 }, condition: [] }, '"detection.condition" must be a string'],
    [{ s: { A: 1 }, condition: 5 }, '"detection.condition" must be a string'],
    [{ s: { A: 1 }, condition: 't' }, 'refers to "t"'],
    [{ s: {}, condition: 's' }, 'detection.s: empty map'],
    [{ s: [], condition: 's' }, 'detection.s: empty list'],
    [{ s: null, condition: 's' }, 'must be a map, a list of maps or a list of keywords'],
    [{ s: ['kw', { A: 1 }], condition: 's' }, 'only maps or only keywords'],
    [{ s: [['nested']], condition: 's' }, 'only maps or only keywords'],
    [{ s: { A: 1 }, timeframe: '5m', condition: 's | count() > 5' }, 'timeframe'],
    [{ s: { A: 1 }, condition: 's | count(User) by src_ip > 5' }, 'correlation rule'],
    [{ s: [null], condition: 's' }, 'only maps or only keywords'],
  ])('%j', (detection, message) => {
    expect(() => compileSigma(ruleDoc(detection), sigmaCtx())).toThrow(message);
  });
});
