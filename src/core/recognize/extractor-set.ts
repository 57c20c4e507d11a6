import type { Format } from '../event.js';
import type { Capture } from './named-groups.js';

/** The shapes of the operator's extractors (config `extract:`), as written and as compiled (extractors.ts). */

export interface ExtractorSpec {
  name: string;
  topics?: readonly string[] | undefined;
  programs?: readonly string[] | undefined;
  formats?: readonly (Format | 'auto')[] | undefined;
  /** Exactly one of regex and grok. */
  regex?: string | undefined;
  grok?: string | undefined;
  /** Constant fields set when the extractor matches (`event.action: login`). */
  fields?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export interface ExtractorConfig {
  /** Operator grok patterns by name, usable as `%{NAME}` in every extractor. */
  patterns: Readonly<Record<string, string>>;
  extractors: readonly ExtractorSpec[];
}

export interface CompiledExtractor {
  readonly name: string;
  readonly topics: ReadonlySet<string> | null;
  readonly formats: ReadonlySet<string> | null;
  readonly re: RegExp;
  readonly captures: readonly Capture[];
  readonly fields: readonly (readonly [string, string | number | boolean])[];
}

export interface ExtractorSet {
  /** Extractors without `programs`, in config order. */
  readonly line: readonly CompiledExtractor[];
  /** Lower-cased program name → its extractors, in config order. */
  readonly programs: ReadonlyMap<string, readonly CompiledExtractor[]>;
  /** Line extractors whose scope holds, per topic and format setting (filled as topics are seen). */
  readonly lineByScope: Map<string, readonly CompiledExtractor[]>;
}

export interface ExtractorProblem {
  /** Index in `extractors`, or -1 for a problem of `patterns`. */
  index: number;
  name: string;
  /** The key at fault: regex, grok, fields, name, patterns. */
  key: string;
  message: string;
}

export type CompiledExtractors = { ok: true; set: ExtractorSet } | { ok: false; problems: ExtractorProblem[] };
