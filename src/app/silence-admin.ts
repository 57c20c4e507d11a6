/**
 * Silences from the command line (`logagg silence`): one interface over the local database and
 * over a remote appliance's API, so the command prints the same thing either way. Locally the
 * request goes through the API's own checks (src/core/silence-request.ts) and the store's
 * silence functions; remotely it is checked the same way first (a mistake is named before
 * anything is sent) and the appliance checks it again and records the token's subject.
 */
import { LogaggError } from '../errors.js';
import type { RemoteClient } from '../client/api-client.js';
import { readSilenceRequest, type SilenceRequest } from '../core/silence-request.js';
import type { SilenceState } from '../core/silence.js';
import { toApiSilence, type ApiSilence } from '../query/render.js';
import { createSilence, expireSilence, listSilences } from '../store/silence-store.js';
import type { Store } from '../store/store.js';

export interface SilenceAdmin {
  add(req: SilenceRequest): Promise<ApiSilence>;
  /** Newest first; `states` null = every state; `limit` 0 = all of them. */
  list(states: readonly SilenceState[] | null, limit: number): AsyncGenerator<ApiSilence[]>;
  /** Ends it now (one already over is answered unchanged); NOT_FOUND when there is none. */
  expire(id: number): Promise<ApiSilence>;
}

/** Silences read from a page at a time (the API's largest page). */
const PAGE = 1000;

const notFound = (id: number) => new LogaggError('NOT_FOUND', `no silence with id ${id}`, { details: { param: 'id' } });

/** On the local database: `store` is the writer connection for add and expire, any for list. `by` is recorded as who. */
export function localSilenceAdmin(store: Store, by: string, clock: () => number = Date.now): SilenceAdmin {
  return {
    async add(req) {
      const now = clock();
      return toApiSilence(createSilence(store, readSilenceRequest(req, by, now), now), now);
    },
    async *list(states, limit) {
      let before: number | null = null;
      let remaining = limit === 0 ? Infinity : limit;
      while (remaining > 0) {
        const now = clock();
        const page = listSilences(store, states ? { states } : {}, { limit: Math.min(PAGE, remaining), beforeId: before }, now);
        remaining -= page.items.length;
        if (page.items.length > 0) yield page.items.map((s) => toApiSilence(s, now));
        if (page.next_before === null) return;
        before = page.next_before;
      }
    },
    async expire(id) {
      const now = clock();
      const r = expireSilence(store, id, by, now);
      if (r === null) throw notFound(id);
      return toApiSilence(r.silence, now);
    },
  };
}

/** On a remote appliance (role analyst); it records the token's subject as who. */
export function remoteSilenceAdmin(client: RemoteClient, clock: () => number = Date.now): SilenceAdmin {
  return {
    async add(req) {
      readSilenceRequest(req, '-', clock());
      return client.post<ApiSilence>('/silences', req);
    },
    list(states, limit) {
      return client.pages<ApiSilence>('/silences', states ? { state: [...states] } : {}, limit);
    },
    async expire(id) {
      return client.post<ApiSilence>(`/silences/${id}/expire`, {});
    },
  };
}
