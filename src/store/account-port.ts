/**
 * The API's AccountsPort over SQLite: accounts read on the API's connection, sign-in attempts
 * recorded on the writer's (in `serve`, the main thread's; the worker sends them there).
 */
import type { Account } from '../auth/account.js';
import { LogaggError } from '../errors.js';
import { getUser, recordLoginAttempt, type LoginAttempt } from './user-store.js';
import type { Store } from './store.js';

/** Has the shape of AccountsPort (src/api/ports.ts); checked where it is handed to the API. */
export class SqliteAccountsPort {
  /** @param writer for the audit records; null = sign-in refused (503), since every attempt must be recorded */
  constructor(
    private readonly reader: Store,
    private readonly writer: Store | null,
  ) {}

  find(name: string): Account | null {
    return getUser(this.reader, name);
  }

  async record(attempt: LoginAttempt): Promise<void> {
    if (this.writer === null) throw new LogaggError('STORE_UNAVAILABLE', 'sign-in attempts are recorded by the ingest writer, which does not run in this process', { canRetry: true });
    recordLoginAttempt(this.writer, attempt);
  }
}
