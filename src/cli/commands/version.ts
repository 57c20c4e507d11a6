import type { Command } from 'commander';
import { VERSION } from '../../version.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .description('print the logagg, Node.js and SQLite versions')
    .action(() => {
      process.stdout.write(`logagg ${VERSION}\nnode ${process.versions.node}\n`);
    });
}
