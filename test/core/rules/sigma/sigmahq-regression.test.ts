// SigmaHQ's published rules against SigmaHQ's published positive samples
// (test/fixtures/sigma/sigmahq-regression, README there), with the logsource presets on: each
// fires on its sample in the evtx-JSON shape it is published in, and on the same record as
// Winlogbeat ECS and as flat Sigma names; no rule fires on another rule's sample.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { normalizeMessage } from '../../../../src/core/normalize.js';
import { compileSigmaCollection } from '../../../../src/core/rules/sigma/collection.js';
import type { SigmaCompiledRule } from '../../../../src/core/rules/sigma/compile-rule.js';
import { sigmaCtx } from './sigma-kit.js';

const DIR = fileURLToPath(new URL('../../../fixtures/sigma/sigmahq-regression/', import.meta.url));
/** Published samples that do not match their rule's detection, presets or not (README). */
const SAMPLE_MISMATCH = new Set(['registry_add_persistence_amsi_providers', 'win_wmi_persistence']);

type Obj = Record<string, unknown>;
const source = { kind: 'kafka' as const, topic: 'winlogs', partition: 0, offset: '1' };
const norm = (o: unknown) => normalizeMessage(Buffer.from(JSON.stringify(o)), { source, receivedAt: Date.UTC(2026, 11, 7), maxBytes: 1 << 22 });
const attr = (o: unknown, n: string): unknown => (o !== null && typeof o === 'object' ? ((o as Obj)['#attributes'] as Obj | undefined)?.[n] : undefined);

/** The record as Winlogbeat ships it: winlog.{channel, provider_name, event_id, event_data, user_data}. */
function toWinlogbeat(ev: Obj): Obj {
  const e = ev['Event'] as Obj;
  const s = e['System'] as Obj;
  const data: Obj = {};
  for (const [k, v] of Object.entries((e['EventData'] as Obj | undefined) ?? {})) {
    if (k === '#attributes') continue;
    if (k !== 'Data') data[k] = v;
    else {
      const inner = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj)['#text'] : undefined;
      const list = Array.isArray(v) ? v : Array.isArray(inner) && attr(v, 'Name') === undefined ? inner : [v];
      list.forEach((el, i) => {
        const name = attr(el, 'Name');
        data[typeof name === 'string' ? name : `param${i + 1}`] = el !== null && typeof el === 'object' ? (el as Obj)['#text'] : el;
      });
    }
  }
  let userData: Obj | undefined;
  for (const [k, v] of Object.entries((e['UserData'] as Obj | undefined) ?? {})) {
    if (k !== '#attributes' && v !== null && typeof v === 'object') userData = Object.fromEntries(Object.entries(v as Obj).filter(([n]) => n !== '#attributes'));
  }
  const id = s['EventID'];
  return {
    '@timestamp': attr(s['TimeCreated'], 'SystemTime'),
    host: { name: s['Computer'] },
    winlog: {
      channel: s['Channel'],
      provider_name: attr(s['Provider'], 'Name'),
      event_id: String(id !== null && typeof id === 'object' ? (id as Obj)['#text'] : id),
      computer_name: s['Computer'],
      record_id: s['EventRecordID'],
      ...(Object.keys(data).length ? { event_data: data } : {}),
      ...(userData ? { user_data: userData } : {}),
    },
  };
}

/** The record already flattened to Sigma's names. */
function toFlat(ev: Obj): Obj {
  const w = toWinlogbeat(ev)['winlog'] as Obj;
  return { EventID: Number(w['event_id']), Channel: w['channel'], Provider_Name: w['provider_name'], Computer: w['computer_name'], ...(w['event_data'] as Obj), ...(w['user_data'] as Obj) };
}

const CASES = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const ctx = sigmaCtx({ sigmaPresets: true });
const RULES = new Map<string, SigmaCompiledRule>();
const SAMPLES = new Map<string, Obj>();
for (const name of CASES) {
  const docs = parseAllDocuments(readFileSync(join(DIR, name, 'rule.yml'), 'utf8')).map((d, index) => ({ file: name, index, doc: d.toJS() }));
  const out = compileSigmaCollection(docs, ctx);
  if (out.errors.length > 0 || out.rules.length !== 1) throw new Error(`${name}: ${JSON.stringify(out.errors)}`);
  RULES.set(name, out.rules[0]!);
  SAMPLES.set(name, JSON.parse(readFileSync(join(DIR, name, 'sample.json'), 'utf8')) as Obj);
}
const fires = (name: string, payload: unknown) => RULES.get(name)!.evaluate([norm(payload)], null).length === 1;

test('the fixture set is there', () => expect(CASES.length).toBeGreaterThanOrEqual(22));

describe.each([
  ['evtx-JSON', (o: Obj) => o],
  ['Winlogbeat ECS', toWinlogbeat],
  ['flat', toFlat],
] as const)('%s', (_shape, shape) => {
  test.each(CASES)('%s', (name) => {
    expect(fires(name, shape(SAMPLES.get(name)!))).toBe(!SAMPLE_MISMATCH.has(name));
  });
});

test('no rule fires on another rule\'s sample', () => {
  const cross: string[] = [];
  for (const rule of CASES) for (const sample of CASES) if (rule !== sample && fires(rule, SAMPLES.get(sample))) cross.push(`${rule} on ${sample}`);
  expect(cross).toEqual([]);
});

test('every rule but the one whose service pySigma has no channel for is fully mapped', () => {
  const partial = CASES.filter((n) => RULES.get(n)!.scope?.coverage !== 'mapped');
  expect(partial).toEqual(['win_capi2_acquire_certificate_private_key']);
});
