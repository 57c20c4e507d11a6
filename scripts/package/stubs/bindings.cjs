// Stands in for the `bindings` package inside the single executable (see ../contents.mjs).
// better-sqlite3 calls it only when no nativeBinding was given, which inside the executable
// means src/store/sqlite.ts was bypassed: say so instead of searching a node_modules that is not there.
'use strict';
module.exports = function bindings(name) {
  throw new Error(`${name} cannot be found inside the single executable: open SQLite through src/store/sqlite.ts, which passes the shipped addon as nativeBinding`);
};
