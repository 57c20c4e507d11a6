import { Command, CommanderError } from 'commander';
import { isLogaggError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerConsume } from './commands/consume.js';
import { registerServe } from './commands/serve.js';
import { registerVersion } from './commands/version.js';
import { registerToken } from './commands/token.js';
import { registerQuery } from './commands/query.js';
import { registerStatus } from './commands/status.js';
import { registerPrune } from './commands/prune.js';
import { registerReplay } from './commands/replay.js';
import { registerTail } from './commands/tail.js';
import { registerNotify } from './commands/notify.js';
import { registerRules } from './commands/rules.js';

/**
 * The CLI: registers one file per subcommand and maps errors to exit codes
 * (0 ok, 1 runtime error, 2 usage or config error). Nothing else lives here.
 */
export function buildProgram(): Command {
  const program = new Command('logagg')
    .description('Log aggregation appliance with SIEM features: Kafka -> normalize -> detect -> SQLite')
    .version(VERSION, '-V, --version')
    .option('-c, --config <file>', 'config file (YAML); also LOGAGG_CONFIG')
    .option('--log-level <level>', 'debug | info | warn | error | silent')
    .showHelpAfterError()
    .exitOverride();
  registerConsume(program);
  registerServe(program);
  registerToken(program);
  registerQuery(program);
  registerStatus(program);
  registerPrune(program);
  registerReplay(program);
  registerTail(program);
  registerNotify(program);
  registerRules(program);
  registerVersion(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // `logagg query … | head`: a closed pipe ends the command quietly, like other Unix tools.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version "errors" are exits with code 0; usage mistakes are 2
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isLogaggError(e)) {
      process.stderr.write(`logagg: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`logagg: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
