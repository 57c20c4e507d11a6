import type { FrozenConfig } from '../config/load.js';
import { compileExtractors, type ExtractorSet } from '../core/recognize/extractors.js';
import { ConfigError } from '../errors.js';

/**
 * The operator's extractors (config `extract:`) compiled for the normalizer; undefined when none
 * is configured, so the decode path does not look for them at all. The config was validated
 * with the same compiler, so a problem here is a config that skipped validation.
 */
export function extractorsFromConfig(extract: FrozenConfig['extract']): ExtractorSet | undefined {
  if (extract.extractors.length === 0) return undefined;
  const r = compileExtractors(extract);
  if (!r.ok) throw new ConfigError(r.problems.map((p) => ({ key: p.index < 0 ? `extract.patterns.${p.name}` : `extract.extractors.${p.index}.${p.key}`, message: p.message })));
  return r.set;
}
