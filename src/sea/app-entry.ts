/**
 * The entry of the app bundle inside the single executable (scripts/package/build.mjs bundles
 * this file to ESM). The CommonJS SEA main (main.ts) imports the bundle and calls start().
 */
import { main } from '../cli/main.js';
import { installRuntime, type SeaRuntime } from './runtime-handoff.js';

/** Runs the CLI with the executable's runtime installed; resolves to the exit code. */
export async function start(argv: string[], runtime: SeaRuntime): Promise<number> {
  installRuntime(runtime);
  return main(argv);
}
