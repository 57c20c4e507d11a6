/**
 * Folders the single executable carries (scripts/package/contents.mjs), unpacked on demand
 * into its private cache dir: e.g. the default rule set, for when the user has no rules folder.
 */
import { currentRuntime } from './runtime-handoff.js';

/**
 * The path of the shipped folder `name` (e.g. 'rules': the package's config/rules), unpacked
 * on the first call; undefined when not running as the single executable, or when it does not
 * ship that folder. The files are logagg's private copy, not a place for edits: users
 * customise rules in their own folder (rules.dir).
 */
export function getEmbeddedDir(name: string): string | undefined {
  return currentRuntime()?.embeddedDir(name);
}
