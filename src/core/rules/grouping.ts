import type { NormalizedEvent } from '../event.js';
import { asText, compileReader, readValues } from '../fields.js';

/**
 * `group_by`: the fields whose values make "the same finding" (the dedup key) and, for
 * stateful kinds, the unit of state (one window or baseline per group). A field with no value
 * groups as the empty string; with several values, as its first.
 */
export interface Grouping {
  readonly paths: readonly string[];
  /** The state key of an event's group. */
  key(ev: NormalizedEvent): string;
  /** The group's values, in `paths` order. */
  values(ev: NormalizedEvent): string[];
}

export function compileGrouping(paths: readonly string[]): Grouping {
  const readers = paths.map(compileReader);
  const valueOf = (ev: NormalizedEvent, r: (ev: NormalizedEvent) => unknown): string => {
    const v = r(ev);
    const first = Array.isArray(v) ? readValues(v, 1)[0] : v;
    return asText(first) ?? '';
  };
  const values = (ev: NormalizedEvent): string[] => readers.map((r) => valueOf(ev, r));
  let key: (ev: NormalizedEvent) => string;
  if (readers.length === 0) key = () => '';
  else if (readers.length === 1) {
    const r = readers[0] as (ev: NormalizedEvent) => unknown;
    key = (ev) => valueOf(ev, r);
  } else key = (ev) => values(ev).join('\u001f');
  return { paths, key, values };
}

/** `rule-id|value1|value2`: what the alert store dedups on. */
export function dedupKey(ruleId: string, values: readonly string[]): string {
  return values.length === 0 ? ruleId : `${ruleId}|${values.join('|')}`;
}
