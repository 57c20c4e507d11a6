import { refuse } from './sigma-error.js';
import type { TextEncoding } from './encoding.js';

/**
 * The modifier chain of a detection key (`CommandLine|contains|all`), checked and turned into a
 * plan. Supported modifiers and their allowed combinations are listed in docs/sigma.md; anything
 * else is refused, naming the modifier, because a rule applied without one of its modifiers
 * would match something other than what its author wrote.
 */
export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte';
export type ValueType = 'string' | 're' | 'cidr' | 'exists' | 'fieldref' | CompareOp;

export interface ModifierPlan {
  position: 'contains' | 'startswith' | 'endswith' | null;
  /** List values ANDed instead of ORed. */
  all: boolean;
  cased: boolean;
  windash: boolean;
  /** Text-to-bytes step before base64 (utf8 when none was named). */
  encoding: TextEncoding | null;
  base64: 'base64' | 'base64offset' | null;
  type: ValueType;
  /** JavaScript regex flags from the `re` sub-modifiers i, m, s. */
  reFlags: string;
}

const ENCODINGS: Readonly<Record<string, TextEncoding>> = { utf16le: 'utf16le', wide: 'utf16le', utf16be: 'utf16be', utf16: 'utf16' };
const RE_FLAGS: Readonly<Record<string, string>> = { i: 'i', ignorecase: 'i', m: 'm', multiline: 'm', s: 's', dotall: 's' };
const TYPES: ReadonlySet<string> = new Set(['re', 'cidr', 'exists', 'fieldref', 'gt', 'gte', 'lt', 'lte']);

/** Modifiers of the specification logagg refuses, with the reason given to the operator. */
const REFUSED: Readonly<Record<string, string>> = {
  neq: 'write the value in a separate selection and use "and not" in the condition',
  minute: 'time-part modifiers are not supported',
  hour: 'time-part modifiers are not supported',
  day: 'time-part modifiers are not supported',
  week: 'time-part modifiers are not supported',
  month: 'time-part modifiers are not supported',
  year: 'time-part modifiers are not supported',
};

export function parseModifiers(mods: readonly string[], where: string): ModifierPlan {
  const plan: ModifierPlan = {
    position: null,
    all: false,
    cased: false,
    windash: false,
    encoding: null,
    base64: null,
    type: 'string',
    reFlags: '',
  };
  const seen = new Set<string>();
  const bad = (msg: string, mod: string): never => refuse(`${where}: ${msg}`, `modifier ${mod}`);
  for (const raw of mods) {
    const mod = raw.trim();
    if (seen.has(mod)) bad(`modifier "${mod}" is repeated`, mod);
    seen.add(mod);
    if (mod === 'contains' || mod === 'startswith' || mod === 'endswith') {
      if (plan.position) bad(`modifiers "${plan.position}" and "${mod}" cannot be combined`, mod);
      plan.position = mod;
    } else if (mod === 'all') plan.all = true;
    else if (mod === 'cased') plan.cased = true;
    else if (mod === 'windash') plan.windash = true;
    else if (Object.hasOwn(ENCODINGS, mod)) {
      if (plan.encoding) bad(`only one of utf16le/utf16be/utf16/wide may be used`, mod);
      if (plan.base64) bad(`"${mod}" must come before "${plan.base64}"`, mod);
      plan.encoding = ENCODINGS[mod] as TextEncoding;
    } else if (mod === 'base64' || mod === 'base64offset') {
      if (plan.base64) bad(`only one of base64/base64offset may be used`, mod);
      if (plan.position) bad(`"${plan.position}" must come after "${mod}" (a wildcard cannot be encoded)`, mod);
      plan.base64 = mod;
    } else if (Object.hasOwn(RE_FLAGS, mod)) {
      if (plan.type !== 're') bad(`"${mod}" is a sub-modifier of "re" and must follow it`, mod);
      plan.reFlags += RE_FLAGS[mod] as string;
    } else if (TYPES.has(mod)) {
      if (plan.type !== 'string') bad(`modifiers "${plan.type}" and "${mod}" cannot be combined`, mod);
      plan.type = mod as ValueType;
    } else if (Object.hasOwn(REFUSED, mod)) bad(`modifier "${mod}" is not supported: ${REFUSED[mod]}`, mod);
    else bad(`unknown modifier "${mod}"`, mod);
  }
  if (plan.encoding && !plan.base64) bad(`"${plan.encoding}" is only supported followed by base64 or base64offset`, plan.encoding);
  if (plan.windash && plan.base64) bad(`"windash" cannot be combined with "${plan.base64}"`, 'windash');
  if (plan.type !== 'string') {
    const extras = [plan.position, plan.windash && 'windash', plan.base64, plan.encoding].filter(Boolean);
    if (extras.length) bad(`modifier "${plan.type}" cannot be combined with "${extras[0]}"`, plan.type);
    if (plan.cased && plan.type !== 'fieldref' && plan.type !== 're') bad(`"cased" has no meaning with "${plan.type}"`, 'cased');
    if (plan.all && (plan.type === 'exists' || plan.type === 'fieldref')) bad(`"all" cannot be combined with "${plan.type}"`, 'all');
  }
  return plan;
}
