/**
 * The API's SilencesPort over SQLite: reads on the API's connection, creating and expiring on the
 * writer's (in `serve`, the main thread's; the worker sends them there, src/api/worker/).
 */
import { matchersWithinScope, type NewSilence, type Silence } from '../core/silence.js';
import { LogaggError } from '../errors.js';
import { createSilence, expireSilence, getSilence, listSilences, type ExpireResult, type SilenceListFilter, type SilencePage } from './silence-store.js';
import type { Store } from './store.js';

/** Has the shape of SilencesPort (src/api/ports.ts); checked where it is handed to the API. */
export class SqliteSilencesPort {
  /** @param writer for creating and expiring; null = refused (503) */
  constructor(
    private readonly reader: Store,
    private readonly writer: Store | null,
  ) {}

  list(filter: SilenceListFilter, page: { limit: number; beforeId: number | null }, now: number): SilencePage {
    return listSilences(this.reader, filter, page, now);
  }

  get(id: number, hostScope?: readonly string[]): Silence | null {
    const s = getSilence(this.reader, id);
    return s !== null && matchersWithinScope(s.matchers, hostScope) ? s : null;
  }

  private need(): Store {
    if (this.writer === null) throw new LogaggError('STORE_UNAVAILABLE', 'silences are changed by the ingest writer, which does not run in this process', { canRetry: true });
    return this.writer;
  }

  async create(s: NewSilence, now: number): Promise<Silence> {
    return createSilence(this.need(), s, now);
  }

  async expire(id: number, by: string, now: number, hostScope?: readonly string[]): Promise<ExpireResult | null> {
    return expireSilence(this.need(), id, by, now, hostScope);
  }
}
