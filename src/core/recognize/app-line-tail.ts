import { isIp } from '../decode/ip.js';
import { parseLevelWord } from '../decode/level.js';
import { zoneAbbreviation } from '../time.js';

/**
 * What an application line's header says, gathered before anything is written to the draft (a
 * recognizer that turns the line down must leave the draft untouched).
 */
export interface AppFields {
  ts: number | null;
  tsOriginal: string | null;
  level: number | null;
  pid: number | null;
  process: string | null;
  host: string | null;
  srcIp: string | null;
  srcPort: number | null;
  dstIp: string | null;
  dstPort: number | null;
  thread: string | null;
  logger: string | null;
  user: string | null;
  attrs: Record<string, unknown>;
  /** Where the message starts. */
  msgStart: number;
}

export function emptyFields(): AppFields {
  return { ts: null, tsOriginal: null, level: null, pid: null, process: null, host: null, srcIp: null, srcPort: null, dstIp: null, dstPort: null, thread: null, logger: null, user: null, attrs: {}, msgStart: 0 };
}

export interface TailOptions {
  /** Windows CBS: `ts, Level   Component   msg` — the padded column after the level is the process. */
  cbs?: boolean;
  /** Proxifier: `[ts] program - msg`. */
  programDash?: boolean;
}

/** At most this many header columns are read after the timestamp; the rest is the message. */
const MAX_COLUMNS = 8;
/** Longest bracketed header column (`[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]`). */
const BRACKET_MAX = 256;
/** Longest logger / component name. */
const NAME_MAX = 160;

/**
 * The columns that follow a leading timestamp, in the orders real loggers write them: separators
 * (`,` `|` ` - `), a pid column before the level (`148 INFO`, OpenStack `25746 INFO`), the level
 * (`INFO`, `[warn]`, `Info` in a padded column, `[core:error]`), bracketed fields (`[main]` thread,
 * `[pid 1:tid 2]`, `[client 1.2.3.4:5]`, `[req-…]`), nginx's `pid#tid: *cid`, and a logger name
 * (`org.apache.hadoop.ipc.Server:`, `nova.compute.manager [req…]`, `name - LEVEL - ` in Python's
 * default). A level is taken only from these columns, never from the message: an unbracketed
 * word counts in upper case, or in any case when a column separator (`:`, `|`, tab, two spaces)
 * follows it.
 */
export function readTail(s: string, p: number, f: AppFields, opts: TailOptions = {}): void {
  p = zoneWord(s, p, f);
  for (let n = 0; n < MAX_COLUMNS && p < s.length; n++) {
    p = skipBlanks(s, p);
    const c = s.charCodeAt(p);
    if (c === 44 /* , */ || c === 124 /* | */) {
      p++;
      continue;
    }
    if (c === 45 /* - */ && s.charCodeAt(p + 1) === 32) {
      p += 2;
      continue;
    }
    if (c === 91 /* [ */) {
      const close = matchBracket(s, p);
      if (close < 0) break;
      const inner = s.slice(p + 1, close);
      if (n === 0 && f.level === null) {
        const pg = postgresColumns(s, close + 1, inner, f);
        if (pg > 0) {
          p = pg;
          break;
        }
      }
      if (bracketField(inner, f)) {
        p = close + 1;
        continue;
      }
      if (f.thread === null && f.logger === null && inner.length > 0) {
        threadColumn(inner, f);
        p = close + 1;
        continue;
      }
      break;
    }
    if (isDigit(c)) {
      const e = digitsEnd(s, p, 10);
      if (f.level === null && f.pid === null && s.charCodeAt(e) === 32) {
        // A number column is a pid only when the level column follows it.
        const q = skipBlanks(s, e);
        if (levelAt(s, q) !== null || s.charCodeAt(q) === 91) {
          f.pid = toInt(s.slice(p, e));
          p = e;
          continue;
        }
      }
      if (f.level !== null && s.charCodeAt(e) === 35 /* # */) {
        // nginx: `1234#0: *5 message`.
        const t = digitsEnd(s, e + 1, 10);
        if (t > e + 1 && s.charCodeAt(t) === 58) {
          f.pid = toInt(s.slice(p, e));
          f.thread = s.slice(e + 1, t);
          p = t + 1;
          const q = skipBlanks(s, p);
          if (s.charCodeAt(q) === 42 /* * */) {
            const k = digitsEnd(s, q + 1, 12);
            if (k > q + 1) {
              f.attrs.connection_id = s.slice(q + 1, k);
              p = k;
            }
          }
        }
      }
      break;
    }
    if (f.level === null) {
      const mongo = mongoColumns(s, p, f);
      if (mongo > 0) {
        p = mongo;
        break;
      }
      const lv = levelAt(s, p);
      if (lv !== null) {
        f.level = lv.level;
        p = lv.end;
        if (s.charCodeAt(p) === 58 /* : */) p++;
        if (opts.cbs) {
          // CBS writes no logger: after the component comes the message.
          p = component(s, p, f);
          break;
        }
        continue;
      }
      const tokEnd = tokenEnd(s, p, NAME_MAX);
      // Monolog (Laravel, Symfony): `[ts] channel.LEVEL: msg`.
      const ml = tokEnd > p ? monologLevel(s, p, tokEnd) : null;
      if (ml !== null) {
        f.logger = s.slice(p, ml.dot);
        f.level = ml.level;
        p = tokEnd;
        break;
      }
      // fail2ban: `ts fail2ban.actions        [1234]: NOTICE  [sshd] Ban 192.0.2.1`.
      if (tokEnd > p && s.charCodeAt(tokEnd) === 32 && isName(s.slice(p, tokEnd), tokEnd - p)) {
        const q = namePidLevel(s, tokEnd, f);
        if (q > 0) {
          f.logger = s.slice(p, tokEnd);
          p = q;
          break;
        }
      }
      // Python's default `name - LEVEL - msg`.
      if (tokEnd > p && s.startsWith(' - ', tokEnd)) {
        const lv2 = levelAt(s, tokEnd + 3);
        if (lv2 !== null && s.startsWith(' - ', lv2.end)) {
          f.logger = s.slice(p, tokEnd);
          f.level = lv2.level;
          p = lv2.end + 3;
          break;
        }
        if (opts.programDash && f.process === null) {
          f.process = s.slice(p, tokEnd);
          p = tokEnd + 3;
          break;
        }
      }
      // Proxifier marks a 64-bit process: `[10.30 16:51:56] svchost.exe *64 - host:5070 close…`.
      if (tokEnd > p && opts.programDash && f.process === null && s.startsWith(' *64 - ', tokEnd)) {
        f.process = s.slice(p, tokEnd);
        f.attrs.process = { bits: 64 };
        p = tokEnd + 7;
      }
      break;
    }
    if (f.logger === null) {
      const tokEnd = tokenEnd(s, p, NAME_MAX);
      if (tokEnd <= p) break;
      const tok = s.slice(p, tokEnd);
      if (tok.length > 1 && tok.charCodeAt(tok.length - 1) === 58 && isName(tok, tok.length - 1)) {
        f.logger = tok.slice(0, -1);
        p = tokEnd;
        break;
      }
      const next = s.charCodeAt(tokEnd);
      if (isName(tok, tok.length) && tok.indexOf('.') > 0 && (s.startsWith(' - ', tokEnd) || s.startsWith(' [', tokEnd) || next === 9)) {
        f.logger = tok;
        p = s.startsWith(' - ', tokEnd) ? tokEnd + 3 : tokEnd;
        continue;
      }
      // zap console: `\tINFO\tpkg/file.go:12\tmessage` — the caller column.
      const colon = tok.lastIndexOf(':');
      if (next === 9 && colon > 0 && tok.indexOf('.') > 0 && isDigits(tok, colon + 1, tok.length)) {
        f.attrs.log = { origin: { file: { name: tok.slice(0, colon), line: toInt(tok.slice(colon + 1)) } } };
        p = tokEnd;
        continue;
      }
    }
    break;
  }
  f.msgStart = skipBlanks(s, p);
}

/** A level word at s[p] under the column rules of readTail; null when there is none. */
export function levelAt(s: string, p: number): { level: number; end: number } | null {
  let e = p;
  let upper = true;
  while (e < s.length && e - p <= 13) {
    const c = s.charCodeAt(e);
    if (c >= 97 && c <= 122) upper = false;
    else if (!(c >= 65 && c <= 90)) break;
    e++;
  }
  if (e === p || e - p > 13) return null;
  const next = s.charCodeAt(e);
  const columnEnd = e === s.length || next === 58 || next === 124 || next === 9 || next === 44 || next === 93 || (next === 32 && s.charCodeAt(e + 1) === 32);
  if (!(columnEnd || (upper && (next === 32 || next === 91)))) return null;
  const level = parseLevelWord(s.slice(p, e));
  return level === null ? null : { level, end: e };
}

/** `[error]`, `[core:error]`, `[pid 12:tid 34]`, `[client 1.2.3.4:5678]`, `[req-…]`, `[-]`. */
function bracketField(inner: string, f: AppFields): boolean {
  if (f.level === null) {
    const colon = inner.indexOf(':');
    // Elasticsearch pads the level inside the brackets: `[INFO ]`.
    const word = colon > 0 && colon < inner.length - 1 && inner.indexOf(' ') < 0 ? inner.slice(colon + 1) : inner.trimEnd();
    const level = parseLevelWord(word) ?? (MYSQL_LEVELS.get(word) ?? null);
    if (level !== null) {
      f.level = level;
      return true;
    }
  }
  if (inner.startsWith('pid ')) {
    const e = digitsEnd(inner, 4, 10);
    if (e === 4) return false;
    f.pid = toInt(inner.slice(4, e));
    if (inner.startsWith(':tid ', e)) f.thread = inner.slice(e + 5);
    return true;
  }
  if (inner.startsWith('client ')) {
    const addr = inner.slice(7);
    if (isIp(addr)) f.srcIp = addr;
    else {
      const colon = addr.lastIndexOf(':');
      const host = addr.slice(0, colon);
      if (colon <= 0 || !isIp(host) || !isDigits(addr, colon + 1, addr.length)) return false;
      f.srcIp = host;
      f.srcPort = toInt(addr.slice(colon + 1));
    }
    return true;
  }
  if (inner.startsWith('req-') && inner.length <= 200) {
    const sp = inner.indexOf(' ');
    f.attrs.request_id = sp < 0 ? inner : inner.slice(0, sp);
    return true;
  }
  return inner === '-';
}

/**
 * A bracketed column that is not a known field: the thread, or log4j's `[%t:%C{1}@%L]`
 * (Zookeeper: `[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]`) — thread,
 * class (the logger) and source line.
 */
const THREAD_CLASS_LINE = /^(.+):([A-Za-z_$][\w$]*)@(\d{1,7})$/;

function threadColumn(inner: string, f: AppFields): void {
  const m = THREAD_CLASS_LINE.exec(inner);
  if (m === null) {
    f.thread = inner;
    return;
  }
  f.thread = m[1]!;
  f.logger = m[2]!;
  f.attrs.log = { ...(f.attrs.log as object | undefined), origin: { file: { line: toInt(m[3]!) } } };
}

/** MySQL's error-log levels that are no common level word: `[Note]`, `[System]`. */
const MYSQL_LEVELS: ReadonlyMap<string, number> = new Map([['Note', 5], ['System', 6]]);

/**
 * A zone abbreviation right after a zone-less stamp (`2026-11-20 10:16:03.120 UTC [4411] …`,
 * PostgreSQL's `%m`): the stamp is moved to UTC and keeps the word. Returns where the columns go on.
 */
function zoneWord(s: string, p: number, f: AppFields): number {
  if (s.charCodeAt(p) !== 32 || f.ts === null || f.tsOriginal === null) return p;
  const c = s.charCodeAt(p + 1);
  if (c < 65 || c > 90) return p;
  const e = tokenEnd(s, p + 1, 5);
  if (e === p + 1 || s.charCodeAt(e) !== 32) return p;
  const offset = zoneAbbreviation(s, p + 1, e);
  if (offset === null || /(?:Z|[+-]\d\d:?\d\d)$/.test(f.tsOriginal)) return p;
  f.ts -= offset * 60_000;
  f.tsOriginal = `${f.tsOriginal} ${s.slice(p + 1, e)}`;
  return e;
}

/** PostgreSQL's message levels (elog.c error_severity). DETAIL/HINT/STATEMENT… follow a record. */
const PG_LEVELS: ReadonlyMap<string, number | null> = new Map<string, number | null>([
  ['DEBUG', 7], ['DEBUG1', 7], ['DEBUG2', 7], ['DEBUG3', 7], ['DEBUG4', 7], ['DEBUG5', 7],
  ['LOG', 6], ['INFO', 6], ['NOTICE', 5], ['WARNING', 4], ['ERROR', 3], ['FATAL', 2], ['PANIC', 0],
  ['DETAIL', null], ['HINT', null], ['STATEMENT', null], ['CONTEXT', null], ['LOCATION', null], ['QUERY', null],
]);

/**
 * PostgreSQL with `log_line_prefix` `'%m [%p] '` (the default) or Debian's `'%m [%p] %q%u@%d '`:
 * `[4411] app@appdb FATAL:  password authentication failed for user "app"`. `inner` is the first
 * bracket after the stamp (`4411` or `4411-1` with `%l`); `p` is just past it. The message keeps
 * the level word, as the postgres program decoder reads it. Returns where the message starts, or 0.
 */
function postgresColumns(s: string, p: number, inner: string, f: AppFields): number {
  if (s.charCodeAt(p) !== 32 || !/^\d{1,10}(?:-\d{1,10})?$/.test(inner)) return 0;
  let q = p + 1;
  let user: string | null = null;
  let db: string | null = null;
  const e = tokenEnd(s, q, 128);
  const at = s.indexOf('@', q);
  if (at >= q && at < e && s.charCodeAt(e) === 32) {
    user = s.slice(q, at);
    db = s.slice(at + 1, e);
    q = e + 1;
  }
  const colon = s.indexOf(':', q);
  if (colon < 0 || colon - q > 9 || s.charCodeAt(colon + 1) !== 32) return 0;
  const word = s.slice(q, colon);
  const level = PG_LEVELS.get(word);
  if (level === undefined) return 0;
  const dash = inner.indexOf('-');
  f.pid = toInt(dash < 0 ? inner : inner.slice(0, dash));
  f.level = level;
  f.process = 'postgres';
  if (user !== null && user.length > 0 && user !== '[unknown]') f.user = user;
  if (db !== null && db.length > 0 && db !== '[unknown]') f.attrs.postgresql = { log: { database: db } };
  return q;
}

/** Monolog's level names after the channel: `app.ERROR:`. */
const MONOLOG = /^[A-Za-z][\w-]{0,63}\.(DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT|EMERGENCY):$/;

function monologLevel(s: string, p: number, e: number): { level: number; dot: number } | null {
  if (s.charCodeAt(e - 1) !== 58) return null;
  const m = MONOLOG.exec(s.slice(p, e));
  if (m === null) return null;
  return { level: parseLevelWord(m[1]!)!, dot: e - m[1]!.length - 2 };
}

/** After a logger name: blanks, `[pid]:`, blanks, a level word (Python's `%(name)-24s[%(process)d]: %(levelname)-7s`). */
function namePidLevel(s: string, p: number, f: AppFields): number {
  const q = skipBlanks(s, p);
  if (s.charCodeAt(q) !== 91) return 0;
  const e = digitsEnd(s, q + 1, 10);
  if (e === q + 1 || s.charCodeAt(e) !== 93 || s.charCodeAt(e + 1) !== 58) return 0;
  const lv = levelAt(s, skipBlanks(s, e + 2));
  if (lv === null) return 0;
  f.pid = toInt(s.slice(q + 1, e));
  f.level = lv.level;
  return lv.end;
}

/** MongoDB (before 4.4) severity letters. */
const MONGO_LEVELS: Record<string, number> = { F: 2, E: 3, W: 4, I: 6, D: 7 };

/**
 * MongoDB before 4.4: `2026-11-20T10:16:03.919+0000 I NETWORK  [conn1041] end connection …` — a
 * severity letter (D1–D5 for debug levels), the component padded to 8, the context in brackets
 * (the thread); the message follows. Returns where the message starts, or 0.
 */
function mongoColumns(s: string, p: number, f: AppFields): number {
  const level = MONGO_LEVELS[s[p]!];
  if (level === undefined) return 0;
  let q = p + 1;
  if (s[p] === 'D' && s.charCodeAt(q) >= 49 && s.charCodeAt(q) <= 53) q++;
  if (s.charCodeAt(q) !== 32) return 0;
  const start = q + 1;
  let e = start;
  while (e - start < 16 && ((s.charCodeAt(e) >= 65 && s.charCodeAt(e) <= 90) || s.charCodeAt(e) === 95 || s.charCodeAt(e) === 45)) e++;
  if (e === start || s.charCodeAt(e) !== 32) return 0;
  const ctx = skipBlanks(s, e);
  const close = s.charCodeAt(ctx) === 91 ? matchBracket(s, ctx) : -1;
  if (close < 0) return 0;
  f.level = level;
  const component = s.slice(start, e);
  if (component !== '-') f.attrs.mongodb = { component };
  f.thread = s.slice(ctx + 1, close);
  return close + 1;
}

/** CBS's padded component column after the level: `Info                  CBS    msg`. */
function component(s: string, p: number, f: AppFields): number {
  const q = skipBlanks(s, p);
  const e = tokenEnd(s, q, 32);
  if (e > q && s.charCodeAt(e) === 32 && s.charCodeAt(e + 1) === 32) {
    f.process = s.slice(q, e);
    return e;
  }
  return p;
}

/** The `]` closing the `[` at s[p] (nested pairs allowed), within BRACKET_MAX; -1 when none. */
function matchBracket(s: string, p: number): number {
  let depth = 0;
  const limit = Math.min(s.length, p + BRACKET_MAX);
  for (let k = p; k < limit; k++) {
    const c = s.charCodeAt(k);
    if (c === 91) depth++;
    else if (c === 93 && --depth === 0) return k;
  }
  return -1;
}

/** A logger / class name: letters, digits, `. _ $ / -` (plus `@` `#` for line marks). */
function isName(tok: string, end: number): boolean {
  if (end === 0) return false;
  const c0 = tok.charCodeAt(0);
  if (!((c0 | 32) >= 97 && (c0 | 32) <= 122)) return false;
  for (let i = 1; i < end; i++) {
    const c = tok.charCodeAt(i);
    const ok = isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 46 || c === 95 || c === 36 || c === 47 || c === 45;
    if (!ok) return false;
  }
  return true;
}

export function skipBlanks(s: string, p: number): number {
  while (p < s.length && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  return p;
}

/** End of the space/tab-free token at s[p], or p when it runs longer than max. */
export function tokenEnd(s: string, p: number, max: number): number {
  let k = p;
  while (k < s.length) {
    const c = s.charCodeAt(k);
    if (c === 32 || c === 9) break;
    if (k - p >= max) return p;
    k++;
  }
  return k;
}

export function digitsEnd(s: string, p: number, max: number): number {
  let k = p;
  while (k - p < max && isDigit(s.charCodeAt(k))) k++;
  return k;
}

function isDigits(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let k = from; k < to; k++) if (!isDigit(s.charCodeAt(k))) return false;
  return true;
}

export function toInt(v: string): number | null {
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 && n <= 2 ** 31 - 1 ? n : null;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
