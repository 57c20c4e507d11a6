import type { Command } from 'commander';
import { openSqlite } from '../../store/sqlite.js';
import { VERSION } from '../../version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the logagg, Node.js and SQLite versions')
    .action(() => {
      process.stdout.write(`logagg ${VERSION}\nnode ${process.versions.node}\nsqlite ${sqliteVersion()}\n`);
    });
}

/**
 * The SQLite library the store really loads (the driver's addon, or the one inside the single
 * executable), asked through an in-memory connection, with FTS5 when it is compiled in.
 */
function sqliteVersion(): string {
  const db = openSqlite(':memory:', { readonly: false, busyTimeoutMs: 0 });
  try {
    const version = String(db.prepare('SELECT sqlite_version()').pluck().get());
    const fts5 = db.prepare("SELECT sqlite_compileoption_used('ENABLE_FTS5')").pluck().get() === 1;
    return fts5 ? `${version} (FTS5)` : `${version} (no FTS5: full-text search will not work)`;
  } finally {
    db.close();
  }
}
