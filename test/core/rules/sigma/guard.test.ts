import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { benchSigmaRules } from '../../../../src/bench/sigma-rules.js';
import type { NormalizedEvent } from '../../../../src/core/event.js';
import { compileSigmaCollection, type SigmaDocInput } from '../../../../src/core/rules/sigma/collection.js';
import { compileEventMatcher } from '../../../../src/core/rules/sigma/event-matcher.js';
import { FieldCache } from '../../../../src/core/rules/sigma/field-cache.js';
import { presentAtom } from '../../../../src/core/rules/sigma/field-check.js';
import { allOf, anyOf, atomGuard, guardPositions, NO_GUARD, unionOf } from '../../../../src/core/rules/sigma/guard.js';
import { makeEvent } from './event-factory.js';
import { sigmaCtx } from './sigma-kit.js';

describe('guard trees', () => {
  test('allOf drops unconstrained parts and flattens; anyOf is unconstrained when a part is', () => {
    const a = atomGuard(0);
    const b = atomGuard(1);
    expect(allOf([])).toBe(NO_GUARD);
    expect(allOf([NO_GUARD, a])).toBe(a);
    expect(allOf([a, allOf([b, NO_GUARD])])).toEqual({ kind: 'and', parts: [a, b] });
    expect(anyOf([a, NO_GUARD])).toBe(NO_GUARD);
    expect(anyOf([a, anyOf([b])])).toEqual({ kind: 'or', parts: [a, b] });
    expect(anyOf([])).toBe(NO_GUARD);
  });

  test('and takes the smallest list, or the union, all is null', () => {
    const cache = new FieldCache();
    const events = [0, 1, 2, 3, 4, 5].map((n) => makeEvent({ pid: n % 2 === 0 ? n : null, user: n < 2 ? 'u' : null }));
    cache.begin(events);
    const even = atomGuard(presentAtom(cache, cache.slot('pid')));
    const low = atomGuard(presentAtom(cache, cache.slot('user')));
    expect([...(guardPositions(even, cache, events) ?? [])]).toEqual([0, 2, 4]);
    expect([...(guardPositions(allOf([even, low]), cache, events) ?? [])]).toEqual([0, 1]);
    expect([...(guardPositions(anyOf([even, low]), cache, events) ?? [])]).toEqual([0, 1, 2, 4]);
    expect(guardPositions(anyOf([even, NO_GUARD]), cache, events)).toBeNull();
  });

  test('unionOf merges ascending lists', () => {
    expect([...unionOf([Int32Array.from([1, 5]), Int32Array.from([0, 5, 7])], 8)]).toEqual([0, 1, 5, 7]);
    expect([...unionOf([], 3)]).toEqual([]);
  });

  test('positions are recomputed for a new batch, never reused', () => {
    const cache = new FieldCache();
    const atom = presentAtom(cache, cache.slot('user'));
    const one = [makeEvent({ user: 'a' }), makeEvent()];
    cache.begin(one);
    expect([...cache.positions(atom, one)]).toEqual([0]);
    const two = [makeEvent(), makeEvent({ user: 'b' })];
    cache.begin(two);
    expect([...cache.positions(atom, two)]).toEqual([1]);
  });
});

/**
 * The guard never hides a match: a collection of rules sharing one cache, evaluated through
 * their guards, fires on exactly the events a standalone matcher (own cache, every event
 * tested) matches. Values are drawn from a vocabulary close to the rules' own literals, so
 * hits and near misses are both common.
 */
describe('guarded evaluation equals testing every event', () => {
  const handWritten = [
    { sel: { EventID: [4625, '4771'] }, condition: 'sel' },
    { sel: { 'Image|endswith': ['\\mimikatz.exe', '/psexec'], 'CommandLine|contains': 'sekurlsa' }, condition: 'sel' },
    { sel: { 'CommandLine|contains|all': ['-enc', 'Bypass'] }, filter: { User: null }, condition: 'sel and not filter' },
    { kw: ['denied', 'Failed password'], condition: 'kw' },
    { a: { 'src_ip|cidr': ['10.0.0.0/8', '192.168.1.0/24'] }, b: { dst_port: [22, 3389] }, condition: 'all of them' },
    { a: { 'User|startswith': 'adm' }, b: { 'message|re': '(?i)sudo\\s+-i' }, condition: '1 of them' },
    { sel: { 'CommandLine|cased|contains': 'Invoke-' }, condition: 'sel' },
    { sel: { 'process|exists': false }, condition: 'sel' },
    { sel: { 'CommandLine|windash|contains': '-nop' }, condition: 'sel' },
    { sel: { 'message|contains': 'user ?' }, condition: 'not sel' },
    { sel: [{ process: 'sshd' }, { 'message|startswith': 'accepted' }], condition: 'sel' },
    { sel: { 'CommandLine|contains': 'a*b*c' }, condition: 'sel' },
  ].map((detection, i) => ({ title: `Hand ${i}`, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, logsource: { product: 'test' }, level: 'high', detection }));
  const docs: unknown[] = [...benchSigmaRules(100).map((t) => parse(t) as unknown), ...handWritten];

  const words = ['denied', 'DENIED', 'user 1', 'user 12', 'Failed password', 'failure 3', 'overflow failure 13', 'sudo -i', 'accepted', 'Σ', 'İ', 'x'];
  const procs = ['sshd', 'SSHD', 'mimikatz', 'C:\\Tools\\mimikatz.exe', '/usr/bin/psexec', 'certutil', 'MSHTA', null];
  const ips = ['10.1.2.3', '198.51.2.7', '198.51.12.200', '192.168.1.9', '::ffff:10.0.0.1', 'not-an-ip', null];
  const commands = ['powershell -enc AAAA Bypass', 'certutil -urlcache', 'mimikatz sekurlsa::logonpasswords', 'x /nop y', 'Invoke-Expression', 'aXbYc', null];
  const event = fc
    .record({
      message: fc.array(fc.constantFrom(...words), { maxLength: 4 }).map((w) => w.join(' ')),
      process: fc.constantFrom(...procs),
      user: fc.constantFrom('admin', 'ADMIN', 'svc-backup', 'root', null),
      src_ip: fc.constantFrom(...ips),
      dst_port: fc.constantFrom(22, 1002, 2003, 3389, 443, null),
      command: fc.constantFrom(...commands),
      eventId: fc.constantFrom(4625, '4771', 4624, null),
      rawHasMessage: fc.boolean(),
    })
    .map((r): NormalizedEvent => {
      const attributes: Record<string, unknown> = {};
      if (r.command !== null) attributes['CommandLine'] = r.command;
      if (r.eventId !== null) attributes['EventID'] = r.eventId;
      return makeEvent({
        message: r.message,
        raw: r.rawHasMessage ? `<13>host app: ${r.message}` : `{"msg":${JSON.stringify(r.message)}}`,
        process: r.process,
        user: r.user,
        src_ip: r.src_ip,
        dst_port: r.dst_port,
        attributes,
      });
    });

  test('for every rule, on random batches', () => {
    const ctx = sigmaCtx();
    const loaded = compileSigmaCollection(docs.map((doc, index): SigmaDocInput => ({ file: 'bench.yml', index, doc })), ctx);
    expect(loaded.errors).toEqual([]);
    const direct = docs.map((d) => compileEventMatcher((d as { detection: unknown }).detection, {}, sigmaCtx()));
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), (batch) => {
        const events = batch.map((e, i) => ({ ...e, host: `h${i}` }));
        loaded.rules.forEach((rule, r) => {
          const viaGuard = rule
            .evaluate(events, rule.initialState())
            .flatMap((f) => f.event_indexes)
            .sort((a, b) => a - b);
          const m = direct[r]!;
          m.begin(events);
          const all = events.flatMap((e, i) => (m.matches(e, i) ? [i] : []));
          expect(viaGuard, rule.meta.name).toEqual(all);
        });
      }),
      { numRuns: 150 },
    );
  });

  test('the bench rules fire on events made to match them', () => {
    const ctx = sigmaCtx();
    const loaded = compileSigmaCollection(docs.map((doc, index): SigmaDocInput => ({ file: 'bench.yml', index, doc })), ctx);
    const events = [
      makeEvent({ host: 'a', process: 'C:\\Tools\\MIMIKATZ.exe' }),
      makeEvent({ host: 'b', message: 'access DENIED for user 1', raw: 'access DENIED for user 1' }),
      makeEvent({ host: 'c', src_ip: '198.51.2.7' }),
      makeEvent({ host: 'd', dst_port: 1002 }),
    ];
    const fired = loaded.rules.filter((r) => r.evaluate(events, r.initialState()).length > 0).map((r) => r.meta.name);
    expect(fired).toEqual(expect.arrayContaining(['Bench rule 0 mimikatz password', 'Bench rule 1 psexec denied', 'Bench rule 2 certutil invalid']));
  });
});
