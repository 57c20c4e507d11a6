import type { Command } from 'commander';
import { sqliteLibrary } from '../../store/sqlite-library.js';
import { VERSION } from '../../version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the logagg, Node.js and SQLite versions')
    .action(() => {
      process.stdout.write(`logagg ${VERSION}\nnode ${process.versions.node}\nsqlite ${sqliteVersion()}\n`);
    });
}

/** The SQLite library the store really loads, with FTS5 when it is compiled in. */
function sqliteVersion(): string {
  const { version, fts5 } = sqliteLibrary();
  return fts5 ? `${version} (FTS5)` : `${version} (no FTS5: full-text search will not work)`;
}
