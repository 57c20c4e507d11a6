// SigmaHQ's published rules against SigmaHQ's published positive samples
// (test/fixtures/sigma/sigmahq-regression, README there), with the logsource presets on: each
// fires on its sample in the shape it is published in (evtx-JSON, or Sysmon for Linux's syslog
// line), and on the same Windows record as Winlogbeat ECS and as flat Sigma names; no rule fires
// on a sample whose logsource it does not cover (two rules of one logsource may both fire).
// The shapes and the cases come from src/tools (what `npm run sigma:regression` runs).
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadCases } from '../../../../src/tools/sigma-regression-cases.js';
import { compileCases, firesOn, keyOf, logsourceIncludes, normalizeRecords } from '../../../../src/tools/sigma-regression-run.js';
import type { SampleShape } from '../../../../src/tools/sigma-sample-shapes.js';

const DIR = fileURLToPath(new URL('../../../fixtures/sigma/sigmahq-regression/', import.meta.url));
/** Published samples that do not match their rule's detection, presets or not (README). */
const SAMPLE_MISMATCH = new Set([
  'registry_add_persistence_amsi_providers',
  'win_wmi_persistence',
  // The sample is an event of another channel (RdpCoreTS's EventID 70), not CAPI2's.
  'win_capi2_acquire_certificate_private_key',
]);

const CASES = loadCases(DIR);
const COMPILED = compileCases(CASES);
const NAMES = CASES.map((c) => c.name);
const at = (name: string) => NAMES.indexOf(name);

test('the fixture set is there, and every rule loads', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(102);
  expect(CASES.filter((c) => c.published === 'syslog').length).toBeGreaterThanOrEqual(2);
  expect(COMPILED.filter((c) => c.rule === null).map((c, i) => `${NAMES[i]}: ${c.error}`)).toEqual([]);
});

describe.each(['published', 'Winlogbeat ECS', 'flat'] as const)('%s', (shape) => {
  test.each(NAMES)('%s', (name) => {
    const c = CASES[at(name)]!;
    const s: SampleShape = shape === 'published' ? c.published : shape;
    const events = normalizeRecords(c.records, s);
    if (events === null) {
      // A Sysmon for Linux record arrives as its syslog line only.
      expect(c.published).toBe('syslog');
      return;
    }
    expect(firesOn(COMPILED[at(name)]!.rule!, events)).toBe(!SAMPLE_MISMATCH.has(name));
  });
});

test('no rule fires on a sample whose logsource it does not cover', () => {
  const cross: string[] = [];
  CASES.forEach((sample, i) => {
    const events = normalizeRecords(sample.records, sample.published)!;
    const own = keyOf(COMPILED[i]!.rule!);
    COMPILED.forEach(({ rule }, j) => {
      if (j === i || logsourceIncludes(keyOf(rule!), own)) return;
      if (firesOn(rule!, events)) cross.push(`${NAMES[j]} on ${NAMES[i]}`);
    });
  });
  expect(cross).toEqual([]);
});

test('logsource inclusion: the same or fewer parts, or the Windows service holding the category', () => {
  expect(logsourceIncludes({ product: 'windows' }, { product: 'windows', category: 'process_creation' })).toBe(true);
  expect(logsourceIncludes({ product: 'windows', service: 'sysmon' }, { product: 'windows', category: 'process_creation' })).toBe(true);
  expect(logsourceIncludes({ product: 'windows', service: 'security' }, { product: 'windows', category: 'process_creation' })).toBe(false);
  expect(logsourceIncludes({ product: 'windows', category: 'process_creation' }, { product: 'windows', category: 'registry_set' })).toBe(false);
  expect(logsourceIncludes({ product: 'linux', category: 'process_creation' }, { product: 'windows', category: 'process_creation' })).toBe(false);
});

test('every rule\'s logsource is fully mapped', () => {
  const partial = NAMES.filter((n) => COMPILED[at(n)]!.rule!.scope?.coverage !== 'mapped');
  expect(partial).toEqual([]);
});
