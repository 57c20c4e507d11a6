/**
 * Where the app gets a native addon's exports when it runs as the single executable: the
 * executable ships the .node file inside itself and loads it with process.dlopen (the driver
 * cannot require() it there). From node_modules the answer is undefined and the driver loads
 * its addon the usual way. src/store/sqlite.ts asks when its caller passes no nativeBinding.
 */
import { currentRuntime } from './runtime-handoff.js';

/** The SQLite driver's addon; another shipped addon is asked for by its name. */
export const SQLITE_ADDON = 'better-sqlite3';

/**
 * The addon's exports, for `new Database(file, { nativeBinding })`; undefined when not running
 * as the single executable, or when the executable does not ship that addon. Loaded on the
 * first call (a command that never opens SQLite never loads it); throws when it cannot load.
 */
export function getNativeBinding(name: string = SQLITE_ADDON): unknown {
  return currentRuntime()?.nativeBinding(name);
}
