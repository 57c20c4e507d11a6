/**
 * The API's reading of `q`: a q with nothing to search for (empty, blanks, only punctuation or
 * operators) filters nothing, as an empty search box does. The OpenAPI document cannot state
 * "holds a word" (a grammar, not a pattern), so refusing such a q would refuse requests the
 * document allows. The CLI names it instead (cli/commands/query.ts), and the store still
 * refuses it when asked directly.
 */
import type { LogFilter } from '../store/log-filter.js';
import { hasSearchTerm, tooLong } from '../store/fts-query.js';

export function withoutBlankSearch(f: LogFilter): LogFilter {
  // Too long is refused whatever it holds (the store's check, 400), like any other limit.
  if (f.q === undefined || tooLong(f.q) || hasSearchTerm(f.q)) return f;
  const { q: _blank, ...rest } = f;
  return rest;
}
