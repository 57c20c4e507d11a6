import { Option, type Command } from 'commander';
import { checkHosts, checkPassword, checkRole, checkUserName, ACCOUNT_ROLES, type AccountInfo } from '../../auth/account.js';
import { hashPassword } from '../../auth/password-hash.js';
import { LogaggError } from '../../errors.js';
import { openStore, type Store } from '../../store/store.js';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { addUser, deleteUser, getUser, listUsers, setUserPassword } from '../../store/user-store.js';
import { cliContext } from '../context.js';
import { readNewPassword } from '../password-input.js';
import { recordOutput, type RecordLayout } from '../output/record-output.js';
import { OutputSink } from '../output/sink.js';

/**
 * `logagg user add|passwd|del|list`: the local accounts that sign in to the web console
 * (POST /api/v1/auth/login), on the local database; safe beside a running `serve` (each change
 * is one short transaction, and sign-in reads the account at every attempt). A new password, or
 * removing an account, ends that account's sessions at their next request.
 */

interface Target {
  db?: string;
}
interface AddFlags extends Target {
  role: string;
  hosts?: string;
  passwordStdin?: boolean;
}
interface PasswdFlags extends Target {
  passwordStdin?: boolean;
}
interface ListFlags extends Target {
  output: 'table' | 'json';
}

function need<T>(check: { ok: true; value: T } | { ok: false; reason: string }, what: string): T {
  if (!check.ok) throw new LogaggError('USAGE', `${what}: ${check.reason}`);
  return check.value;
}

/** A new password, checked against the policy before it is hashed. */
async function newPasswordHash(stdin: boolean | undefined): Promise<string> {
  const password = need(checkPassword(await readNewPassword({ stdin: stdin === true })), 'password');
  return hashPassword(password);
}

/** Runs `fn` on the local database (created and migrated when missing, for `add`). */
function withStore<T>(cmd: Command, f: Target, write: boolean, fn: (store: Store) => T): T {
  const { config } = cliContext(cmd, { 'storage.path': f.db });
  const store = openStore(config.storage.path, { ...storeOptionsFromConfig(config), readonly: !write });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

const LAYOUT: RecordLayout<AccountInfo> = {
  table: [
    { header: 'NAME', value: (u) => u.name, max: 64 },
    { header: 'ROLE', value: (u) => u.role, max: 8 },
    { header: 'HOSTS', value: (u) => (u.hosts === null ? '*' : u.hosts.join(',')), max: 60 },
    { header: 'CREATED', value: (u) => new Date(u.created_at).toISOString(), max: 24 },
    { header: 'CHANGED', value: (u) => new Date(u.updated_at).toISOString(), max: 24 },
    { header: 'DISABLED', value: (u) => (u.disabled ? 'yes' : ''), max: 8 },
  ],
  csv: [],
};

const toJson = (u: AccountInfo) => ({
  name: u.name,
  role: u.role,
  hosts: u.hosts,
  created_at: new Date(u.created_at).toISOString(),
  updated_at: new Date(u.updated_at).toISOString(),
  disabled: u.disabled,
});

const dbOption = (c: Command): Command => c.option('--db <file>', 'the database file (storage.path)');

export function registerUser(program: Command): void {
  const user = program
    .command('user')
    .description('local accounts for the web console: add, passwd, del, list')
    .addHelpText(
      'after',
      `
Examples:
  logagg user add alice --role analyst
  logagg user add bob --role viewer --hosts 'web-*,db1'
  printf '%s\\n' "$PASSWORD" | logagg user add ci --role viewer --password-stdin
  logagg user passwd alice
  logagg user list
  logagg user del bob

Passwords are at least 12 characters, typed twice without echo (or one line on stdin with
--password-stdin), and stored as scrypt hashes. Signing in: POST /api/v1/auth/login (docs/api.md).`,
    );

  dbOption(
    user
      .command('add')
      .description('add an account')
      .argument('<name>', 'the user name: letters, digits and . _ @ -')
      .requiredOption('--role <role>', ACCOUNT_ROLES.join(' | '))
      .option('--hosts <patterns>', "host scope: comma-separated names or patterns, e.g. 'web-*,db1' (default: every host)")
      .option('--password-stdin', 'read the password as one line from stdin instead of prompting'),
  ).action(async (name: string, flags: AddFlags, cmd: Command) => {
    const account = {
      name: need(checkUserName(name), `user name ${JSON.stringify(name)}`),
      role: need(checkRole(flags.role), `--role ${flags.role}`),
      hosts: need(checkHosts(flags.hosts), '--hosts'),
    };
    const pwHash = await newPasswordHash(flags.passwordStdin);
    const added = withStore(cmd, flags, true, (store) => addUser(store, { ...account, pw_hash: pwHash }, Date.now()));
    if (!added) throw new LogaggError('CONFLICT', `user ${name} exists; change the password with logagg user passwd ${name}`);
    process.stderr.write(`added ${account.name} (${account.role}${account.hosts === null ? '' : `, hosts ${account.hosts.join(',')}`})\n`);
  });

  dbOption(
    user
      .command('passwd')
      .description("change an account's password; its sessions end")
      .argument('<name>', 'the user name')
      .option('--password-stdin', 'read the password as one line from stdin instead of prompting'),
  ).action(async (name: string, flags: PasswdFlags, cmd: Command) => {
    // Whether the account exists is checked before asking for a password nobody can use.
    const exists = withStore(cmd, flags, false, (store) => getUser(store, name) !== null);
    if (!exists) throw new LogaggError('NOT_FOUND', `no user ${name} (logagg user list)`);
    const pwHash = await newPasswordHash(flags.passwordStdin);
    if (!withStore(cmd, flags, true, (store) => setUserPassword(store, name, pwHash, Date.now()))) throw new LogaggError('NOT_FOUND', `no user ${name} (logagg user list)`);
    process.stderr.write(`changed the password of ${name}\n`);
  });

  dbOption(user.command('del').description('remove an account; its sessions end').argument('<name>', 'the user name')).action((name: string, flags: Target, cmd: Command) => {
    if (!withStore(cmd, flags, true, (store) => deleteUser(store, name))) throw new LogaggError('NOT_FOUND', `no user ${name} (logagg user list)`);
    process.stderr.write(`removed ${name}\n`);
  });

  dbOption(user.command('list').description('list the accounts (never the password hashes)'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (flags: ListFlags, cmd: Command) => {
      const users = withStore(cmd, flags, false, (store) => listUsers(store));
      if (flags.output === 'json') {
        process.stdout.write(JSON.stringify(users.map(toJson), null, 2) + '\n');
        return;
      }
      if (users.length === 0) {
        process.stderr.write('no users (logagg user add NAME --role viewer|analyst|admin)\n');
        return;
      }
      const sink = new OutputSink(process.stdout);
      try {
        const out = recordOutput('table', LAYOUT, sink, { width: process.stdout.isTTY ? (process.stdout.columns ?? 80) : null, color: false });
        await out.write(users);
        await out.end();
      } finally {
        sink.dispose();
      }
    });
}
