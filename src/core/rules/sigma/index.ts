/**
 * The Sigma rule compiler: SigmaHQ-format detection rules and Sigma v2 correlation rules
 * (event_count, value_count) compiled into logagg CompiledRules. Supported subset: docs/sigma.md.
 */
export { compileSigma, isSigmaDoc, type SigmaCompiledRule } from './compile-rule.js';
export { compileSigmaCollection, type SigmaDocInput, type SigmaLoadError } from './collection.js';
export { DEFAULT_SIGMA_FIELD_MAP, sigmaFieldMap } from './field-map.js';
export type { SigmaContext, SigmaOptions } from './options.js';
export type { SigmaRuleInfo, SigmaLevel, SigmaLogsource } from './rule-meta.js';
export type { CorrelationState } from './correlation.js';
export { SigmaError } from './sigma-error.js';
