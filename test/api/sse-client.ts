// A minimal Server-Sent Events reader over fetch, for the stream tests.
export interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** Body text of a non-stream answer (errors). */
  text: string | null;
  events: SseEvent[];
  comments: string[];
  /** Resolves once `n` events (optionally of one kind) have arrived; rejects after timeoutMs. */
  waitFor(n: number, kind?: string, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: ac.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: (() => void)[] = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  let text: string | null = null;
  let ended: Promise<void>;
  if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    text = await res.text();
    ended = Promise.resolve();
  } else {
    ended = (async () => {
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let event = 'message';
            let id: string | null = null;
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) comments.push(line.slice(1).trim());
              else if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('id: ')) id = line.slice(4);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length > 0) events.push({ event, id, data: data.join('\n') });
            notify();
          }
        }
      } catch {
        // aborted by close()
      }
      notify();
    })();
  }
  let done = false;
  void ended.then(() => (done = true));
  return {
    status: res.status,
    headers: res.headers,
    text,
    events,
    comments,
    ended,
    close: () => ac.abort(),
    waitFor(n, kind, timeoutMs = 5000) {
      const matching = () => events.filter((e) => kind === undefined || e.event === kind);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} ${kind ?? ''} events; got ${JSON.stringify(events).slice(0, 500)}`)), timeoutMs);
        const check = () => {
          if (matching().length >= n) {
            clearTimeout(timer);
            resolve(matching());
          } else if (done) {
            clearTimeout(timer);
            reject(new Error(`stream ended with ${matching().length} of ${n} events`));
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
  };
}
