import type { BatchCache } from './batch-cache.js';
import type { Problems } from './problems.js';

/**
 * What match blocks (match-block.ts) and their operators (match-ops.ts) are compiled with, in
 * a file of its own so that the block compiler imports the operators and not the other way round.
 */

/** A predicate over a root (an event, or a list element inside `some`) at batch position i. */
export type Pred<R> = (root: R, i: number) => boolean;

export interface MatchEnv {
  lists: ReadonlyMap<string, readonly string[]>;
  cache: BatchCache;
  problems: Problems;
  /** Names of the lists the block used (for the rule's definition hash). */
  usedLists: Set<string>;
}
