import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim, newDraft, setOwn } from '../decode/draft.js';
import { normalizeHost } from '../decode/host.js';
import { isIp } from '../decode/ip.js';
import { parseLevelLetter } from '../decode/level.js';
import { mapRecord } from '../decode/field-mapper.js';
import { parseLogfmt } from '../decode/logfmt.js';
import { scanSyslogHeader } from '../decode/syslog-header.js';
import {
  scanClf,
  scanCompactDateTime,
  scanCompactYmd,
  scanDayMonthTime,
  scanMysqlStamp,
  scanCtime,
  scanDashCompact,
  scanDottedIso,
  scanEpochSeconds,
  scanIso,
  scanMonthDayTime,
  scanMonthFirst,
  scanShortSlashDate,
  type Scan,
} from '../time.js';
import { readQuoted } from './access-log.js';
import { digitsEnd, emptyFields, isDigit, levelAt, readTail, skipBlanks, tokenEnd, toInt, type AppFields } from './app-line-tail.js';
import type { LineRecognizer } from './line-recognizer.js';
import { messagePeers } from './message-peers.js';
import { applyWebRequest, decimal, type WebRequest } from './web-fields.js';

/**
 * Application log lines that start with a timestamp (or a level), format `text`:
 *
 * - ISO 8601 with `T` or a space, `,`/`.` fractions, zone or none; `yyyy/MM/dd HH:mm:ss`
 *   (Go, nginx error log); `yy/MM/dd HH:mm:ss` (Spark); `yyMMdd HHmmss` (HDFS);
 *   `dd/MMM/yyyy:HH:mm:ss Z`; `yyyyMMdd-HH:mm:ss:SSS|component|pid|msg` (HealthApp);
 *   `Mmm dd hh:mm:ss` without a syslog tag; a leading log-file name (`nova-api.log.1 2017-…`);
 * - `[Www Mmm dd hh:mm:ss[.ffffff] yyyy]` (Apache 2.2/2.4 error log), `[ISO]`, `[MM.dd HH:mm:ss]`
 *   (Proxifier: `program - msg`);
 * - Android logcat threadtime `MM-dd HH:mm:ss.SSS pid tid L tag: msg`; glog/klog
 *   `Lmmdd hh:mm:ss.uuuuuu pid file:line] msg`; Ruby Logger `L, [ISO #pid]  LEVEL -- prog: msg`;
 *   Python's `LEVEL:logger:msg`; logrus's `LEVEL[0000] msg`;
 * - epoch columns: Blue Gene/L and Thunderbird (`label epoch yyyy.MM.dd node …`), HPC
 *   (`id node component state epoch flag msg`).
 *
 * The columns after the timestamp (level, pid, thread, logger, client…) are read by readTail
 * (app-line-tail.ts). The message is what follows the header. When the message is `key=value`
 * pairs (≥ 2, no more bare words than pairs), they are mapped as logfmt would map them, without
 * overriding what the header said. A message that starts with `client "METHOD target HTTP/x"
 * status: N` (OpenStack's WSGI lines) gives the web fields.
 *
 * When no column names a program, the logger (`attributes.logger`, kept) is also the `process`.
 *
 * Year-less stamps get the receive time's year (previous year if that is in the future); zone-less
 * stamps are UTC.
 */
/** Longest message whose `key=value` pairs are mapped (a record, not a dump). */
const PAIRS_MAX = 16_384;

export const appLine: LineRecognizer = {
  name: 'app-line',
  recognize(text: string, draft: Draft, ctx: DecodeContext): boolean {
    const f = emptyFields();
    const c = text.charCodeAt(0);
    let ok: boolean;
    if (isDigit(c)) ok = digitLead(text, 0, f, ctx.receivedAt);
    else if (c === 91 /* [ */) ok = bracketLead(text, f, ctx.receivedAt);
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45) ok = epochColumns(text, f, ctx.receivedAt) || letterLead(text, f, ctx.receivedAt);
    else ok = false;
    if (!ok) return false;
    apply(text, f, draft, ctx);
    claim(draft, 'app-line');
    return true;
  },
};

function digitLead(s: string, at: number, f: AppFields, receivedAt: number): boolean {
  const c2 = s.charCodeAt(at + 2);
  const c4 = s.charCodeAt(at + 4);
  if (c4 === 45 || c4 === 47 /* - / */) {
    const ts = scanIso(s, at, true);
    if (ts === null || ts.end - at < 16) return false;
    setTs(f, s, at, ts);
    readTail(s, ts.end, f, { cbs: s.charCodeAt(ts.end) === 44 });
    return true;
  }
  if (s.charCodeAt(at + 8) === 45) {
    const ts = scanDashCompact(s, at);
    if (ts === null) return false;
    setTs(f, s, at, ts);
    if (s.charCodeAt(ts.end) === 124) return pipeColumns(s, ts.end + 1, f);
    readTail(s, ts.end, f);
    return true;
  }
  if (c2 === 47 && isDigit(s.charCodeAt(at + 3))) {
    const ts = scanShortSlashDate(s, at);
    if (ts === null) return false;
    setTs(f, s, at, ts);
    readTail(s, ts.end, f);
    return true;
  }
  if (c2 === 47) {
    const ts = scanClf(s, at);
    if (ts === null) return false;
    setTs(f, s, at, ts);
    readTail(s, ts.end, f);
    return true;
  }
  if (s.charCodeAt(at + 6) === 32) {
    // HDFS `yyMMdd HHmmss`, MySQL ≤ 5.6 `yyMMdd hh:mm:ss` (hour space-padded).
    const ts = isDigit(s.charCodeAt(at + 7)) && s.charCodeAt(at + 9) !== 58 ? scanCompactDateTime(s, at) : scanMysqlStamp(s, at);
    if (ts !== null) {
      setTs(f, s, at, ts);
      readTail(s, ts.end, f);
      return true;
    }
  }
  if (c2 === 58 && s.charCodeAt(at + 5) === 58) return timeOfDay(s, at, f);
  const redis = redisLead(s, at, f, receivedAt);
  if (redis) return true;
  if (c2 === 45 && s.charCodeAt(at + 5) === 32) {
    const ts = scanMonthDayTime(s, at, 45, receivedAt);
    if (ts === null) return false;
    setTs(f, s, at, ts);
    if (!logcat(s, ts.end, f)) readTail(s, ts.end, f);
    return true;
  }
  return epochLead(s, at, f);
}

/**
 * logback's default pattern `HH:mm:ss.SSS [thread] LEVEL logger - msg`: a time of day without a
 * date. The day is not guessed (the receive time stands); the columns are read when a level is
 * among them, so that a bare clock in prose is not taken for a header.
 */
function timeOfDay(s: string, at: number, f: AppFields): boolean {
  let e = at + 8;
  if (s.charCodeAt(e) === 46 || s.charCodeAt(e) === 44) e = digitsEnd(s, e + 1, 9);
  if (!/^\d\d:[0-5]\d:[0-6]\d/.test(s.slice(at, at + 8)) || Number(s.slice(at, at + 2)) > 23 || s.charCodeAt(e) !== 32) return false;
  readTail(s, e, f);
  if (f.level === null) return false;
  f.attrs.log = { ...(f.attrs.log as object | undefined), time_of_day: s.slice(at, e) };
  return true;
}

/** Redis ≥ 3: `pid:role dd Mmm yyyy hh:mm:ss.mmm L msg`, role X C S M, level `.` `-` `*` `#`. */
const REDIS_LEVELS: Record<string, number> = { '.': 7, '-': 7, '*': 5, '#': 4 };
const REDIS_ROLES: Record<string, string> = { X: 'sentinel', C: 'child', S: 'replica', M: 'master' };

function redisLead(s: string, at: number, f: AppFields, receivedAt: number): boolean {
  const e = digitsEnd(s, at, 10);
  if (e === at || s.charCodeAt(e) !== 58 || s.charCodeAt(e + 2) !== 32) return false;
  const role = REDIS_ROLES[s[e + 1]!];
  if (role === undefined) return false;
  const ts = scanDayMonthTime(s, e + 3, receivedAt);
  if (ts === null || s.charCodeAt(ts.end) !== 32 || s.charCodeAt(ts.end + 2) !== 32) return false;
  const level = REDIS_LEVELS[s[ts.end + 1]!];
  if (level === undefined) return false;
  setTs(f, s, e + 3, ts);
  f.pid = toInt(s.slice(at, e));
  f.level = level;
  f.process = 'redis';
  f.attrs.redis = { role };
  f.msgStart = ts.end + 3;
  return true;
}

/** `1700000000 msg` / `1700000000.123 INFO msg` and HPC's `id node component state epoch flag msg`. */
function epochLead(s: string, at: number, f: AppFields): boolean {
  const hpc = hpcColumns(s, at, f);
  if (hpc) return true;
  const ts = scanEpochSeconds(s, at);
  if (ts === null) {
    // With a fraction: `1700000000.123 `.
    const e = digitsEnd(s, at, 11);
    if (e - at !== 10 || s.charCodeAt(e) !== 46) return false;
    const fe = digitsEnd(s, e + 1, 9);
    if (fe === e + 1 || s.charCodeAt(fe) !== 32) return false;
    setTs(f, s, at, { ms: Math.round(Number(s.slice(at, fe)) * 1000), end: fe });
    readTail(s, fe, f);
    return true;
  }
  if (ts.end - at !== 10) return false;
  setTs(f, s, at, ts);
  readTail(s, ts.end, f);
  return true;
}

/** HPC (LANL): `134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: …`. */
function hpcColumns(s: string, at: number, f: AppFields): boolean {
  const cols: number[] = [at];
  let p = at;
  for (let k = 0; k < 6; k++) {
    const e = tokenEnd(s, p, 128);
    if (e === p || s.charCodeAt(e) !== 32) return false;
    p = e + 1;
    cols.push(p);
  }
  const id = s.slice(cols[0], cols[1]! - 1);
  const epoch = s.slice(cols[4], cols[5]! - 1);
  const flag = s.slice(cols[5], cols[6]! - 1);
  if (!/^\d{1,12}$/.test(id) || !/^\d{9,10}$/.test(epoch) || !/^\d$/.test(flag)) return false;
  f.ts = Number(epoch) * 1000;
  f.tsOriginal = epoch;
  f.host = normalizeHost(s.slice(cols[1], cols[2]! - 1));
  f.process = s.slice(cols[2], cols[3]! - 1);
  f.attrs.event = { type: s.slice(cols[3], cols[4]! - 1) };
  f.msgStart = cols[6]!;
  return true;
}

function bracketLead(s: string, f: AppFields, receivedAt: number): boolean {
  const c = s.charCodeAt(1);
  let ts: Scan | null = null;
  let programDash = false;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
    // Apache's ctime, Asterisk's `[Jan  5 10:22:31] NOTICE[2217] chan_sip.c: …`, or the level
    // first (Katello/Foreman: `[ERROR 2026-11-20 10:16:03 main]  msg`).
    ts = scanCtime(s, 1) ?? scanMonthFirst(s, 1, receivedAt, false);
    if (ts === null) return levelBracket(s, 1, f);
  } else if (c === 32 && s.charCodeAt(2) !== 32) return levelBracket(s, 2, f);
  else if (isDigit(c)) {
    const c3 = s.charCodeAt(3);
    if (c3 === 46 /* . */) {
      ts = scanMonthDayTime(s, 1, 46, receivedAt);
      programDash = true;
    } else if (c3 === 47) ts = scanClf(s, 1);
    else {
      ts = scanIso(s, 1, true);
      if (ts !== null && ts.end < 17) ts = null;
    }
  }
  if (ts === null || s.charCodeAt(ts.end) !== 93) return false;
  setTs(f, s, 1, ts);
  readTail(s, ts.end + 1, f, { programDash });
  if (programDash && f.process !== null) proxifierTarget(s, f);
  return true;
}

function levelThenStamp(s: string, lv: { level: number; end: number }, f: AppFields): boolean {
  let p = skipBlanks(s, lv.end);
  if (p === lv.end) return false;
  let thread: string | null = null;
  if (s.charCodeAt(p) === 91) {
    const close = s.indexOf(']', p);
    if (close < 0 || close - p > 128) return false;
    thread = s.slice(p + 1, close);
    p = close + 1;
  } else if (s.startsWith('| jvm ', p)) {
    const bar = s.indexOf('|', p + 6);
    if (bar < 0 || bar - p > 16) return false;
    p = bar + 1;
  } else return false;
  p = skipBlanks(s, p);
  if (!isDigit(s.charCodeAt(p))) return false;
  const ts = scanIso(s, p, true);
  if (ts === null || ts.end - p < 19) return false;
  setTs(f, s, p, ts);
  f.level = lv.level;
  if (thread !== null) f.thread = thread;
  readTail(s, ts.end, f);
  return true;
}

/** `[LEVEL yyyy-MM-dd HH:mm:ss module]  msg` (Katello, Foreman; ` INFO` padded to five). */
function levelBracket(s: string, p: number, f: AppFields): boolean {
  const lv = levelAt(s, p);
  if (lv === null || s.charCodeAt(lv.end) !== 32 || !isDigit(s.charCodeAt(lv.end + 1))) return false;
  const ts = scanIso(s, lv.end + 1, true);
  if (ts === null || ts.end - lv.end < 17 || s.charCodeAt(ts.end) !== 32) return false;
  const close = s.indexOf(']', ts.end);
  if (close < 0 || close - ts.end > 64) return false;
  setTs(f, s, lv.end + 1, ts);
  f.level = lv.level;
  const module = s.slice(ts.end + 1, close);
  if (module.length > 0 && module.indexOf(' ') < 0) f.logger = module;
  f.msgStart = skipBlanks(s, close + 1);
  return true;
}

/** Proxifier: the message starts with the target, `www.example.com:443 open through proxy …`. */
const PROXIFIER_TARGET = /^([^\s:[\]]{1,253}|\[[0-9a-fA-F:.]{2,45}\]):(\d{1,5})[\s,]/;

function proxifierTarget(s: string, f: AppFields): void {
  const m = PROXIFIER_TARGET.exec(s.slice(f.msgStart, f.msgStart + 300));
  if (m === null) return;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return;
  f.dstPort = port;
  if (isIp(host)) f.dstIp = host;
  else if (/^[A-Za-z0-9][\w.-]*$/.test(host)) f.attrs.destination = { domain: host.toLowerCase() };
}

function letterLead(s: string, f: AppFields, receivedAt: number): boolean {
  const c = s.charCodeAt(0);
  const c1 = s.charCodeAt(1);
  // glog / klog: `I1120 10:16:03.123456    1234 file.go:12] msg` (glog ≥ 0.6: `I20261120 …`)
  if (isDigit(c1) && (s.charCodeAt(5) === 32 || s.charCodeAt(9) === 32) && parseLevelLetter(c) !== null) {
    const ts = s.charCodeAt(5) === 32 ? scanMonthDayTime(s, 1, -1, receivedAt) : scanCompactYmd(s, 1);
    if (ts === null) return false;
    setTs(f, s, 1, ts);
    f.level = parseLevelLetter(c);
    let p = skipBlanks(s, ts.end);
    const e = digitsEnd(s, p, 10);
    if (e > p && s.charCodeAt(e) === 32) {
      f.pid = toInt(s.slice(p, e));
      p = e + 1;
      const close = tokenEnd(s, p, 256);
      if (close > p && s.charCodeAt(close - 1) === 93) {
        const caller = s.slice(p, close - 1);
        const colon = caller.lastIndexOf(':');
        if (colon > 0) f.attrs.log = { origin: { file: { name: caller.slice(0, colon), line: toInt(caller.slice(colon + 1)) } } };
        p = close;
      }
    }
    f.msgStart = skipBlanks(s, p);
    return true;
  }
  // Ruby Logger: `I, [2026-11-20T10:16:03.123456 #1234]  INFO -- prog: msg`
  if (c1 === 44 && s.charCodeAt(2) === 32 && s.charCodeAt(3) === 91 && parseLevelLetter(c) !== null) {
    const ts = scanIso(s, 4, false);
    if (ts === null) return false;
    setTs(f, s, 4, ts);
    f.level = parseLevelLetter(c);
    let p = skipBlanks(s, ts.end);
    if (s.charCodeAt(p) === 35) {
      const e = digitsEnd(s, p + 1, 10);
      f.pid = toInt(s.slice(p + 1, e));
      p = e;
    }
    if (s.charCodeAt(p) !== 93) return false;
    p = skipBlanks(s, p + 1);
    const lv = levelAt(s, p);
    if (lv !== null) {
      f.level = lv.level;
      p = lv.end;
    }
    p = skipBlanks(s, p);
    if (s.startsWith('-- ', p)) {
      const colon = s.indexOf(': ', p + 3);
      if (colon >= 0 && colon - p < 64) {
        const prog = s.slice(p + 3, colon).trim();
        if (prog.length > 0) f.process = prog;
        p = colon + 2;
      } else if (s.startsWith('-- :', p)) p += 4;
    }
    f.msgStart = skipBlanks(s, p);
    return true;
  }
  const lv = levelAt(s, 0);
  if (lv !== null && s.slice(0, lv.end) === s.slice(0, lv.end).toUpperCase()) {
    // Python's basicConfig default `WARNING:root:msg`.
    if (s.charCodeAt(lv.end) === 58) {
      const e = s.indexOf(':', lv.end + 1);
      if (e > lv.end + 1 && e - lv.end < 128 && s.slice(lv.end + 1, e).indexOf(' ') < 0) {
        f.level = lv.level;
        f.logger = s.slice(lv.end + 1, e);
        f.msgStart = e + 1;
        return true;
      }
    }
    // The level first, then the thread and the stamp: Cassandra's `INFO  [main] 2026-11-20
    // 10:16:03,120 StorageService.java:1500 - msg`, Java Service Wrapper's `INFO   | jvm 1    |
    // 2026/11/20 10:16:03 | msg`.
    if (levelThenStamp(s, lv, f)) return true;
    // logrus TTY: `INFO[0000] msg`
    if (s.charCodeAt(lv.end) === 91) {
      const close = s.indexOf(']', lv.end);
      if (close > lv.end && close - lv.end < 16) {
        f.level = lv.level;
        f.msgStart = skipBlanks(s, close + 1);
        return true;
      }
    }
    return false;
  }
  // `Nov 20 10:16:03 msg` (no syslog tag) and `Sun Nov 20 10:16:03 2026 msg`.
  const mf = scanMonthFirst(s, 0, receivedAt, true) ?? scanCtime(s, 0);
  if (mf !== null && (mf.end === s.length || s.charCodeAt(mf.end) === 32)) {
    setTs(f, s, 0, mf);
    readTail(s, mf.end, f);
    return true;
  }
  // A log file's name before the line, as collectors that concatenate files write it:
  // `nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO …`.
  const e = tokenEnd(s, 0, 200);
  if (e > 4 && s.charCodeAt(e) === 32 && isDigit(s.charCodeAt(e + 1)) && s.slice(0, e).indexOf('.log') > 0) {
    if (!digitLead(s, e + 1, f, receivedAt)) return false;
    f.attrs.log = { ...(f.attrs.log as object), file: { path: s.slice(0, e) } };
    return true;
  }
  return false;
}

/**
 * Blue Gene/L and Thunderbird RAS logs: `label epoch yyyy.MM.dd node …` where the rest is either
 * `yyyy-MM-dd-HH.mm.ss.ffffff node type component LEVEL msg` (BGL) or a syslog header
 * (Thunderbird). The epoch column is UTC and exact; the later stamps are local time.
 */
function epochColumns(s: string, f: AppFields, receivedAt: number): boolean {
  const labelEnd = tokenEnd(s, 0, 24);
  if (labelEnd === 0 || s.charCodeAt(labelEnd) !== 32 || !isDigit(s.charCodeAt(labelEnd + 1))) return false;
  const label = s.slice(0, labelEnd);
  if (label !== '-' && !/^[A-Z][A-Z0-9_]*$/.test(label)) return false;
  const ts = scanEpochSeconds(s, labelEnd + 1);
  if (ts === null) return false;
  const d = ts.end + 1;
  if (s.charCodeAt(d + 4) !== 46 || s.charCodeAt(d + 7) !== 46 || s.charCodeAt(d + 10) !== 32) return false;
  const nodeStart = d + 11;
  const nodeEnd = tokenEnd(s, nodeStart, 128);
  if (nodeEnd === nodeStart || s.charCodeAt(nodeEnd) !== 32) return false;
  f.ts = ts.ms;
  f.tsOriginal = s.slice(labelEnd + 1, ts.end);
  f.host = normalizeHost(s.slice(nodeStart, nodeEnd));
  if (label !== '-') f.attrs.label = label;
  let p = nodeEnd + 1;
  const bgl = scanDottedIso(s, p);
  if (bgl !== null && s.charCodeAt(bgl.end) === 32) {
    // node (again), type, component, level
    const cols: string[] = [];
    let q = bgl.end + 1;
    for (let k = 0; k < 3; k++) {
      const e = tokenEnd(s, q, 128);
      if (e === q) break;
      cols.push(s.slice(q, e));
      q = skipBlanks(s, e);
    }
    if (cols.length === 3) {
      f.attrs.event = { type: cols[1] };
      f.process = cols[2]!;
      const lv = levelAt(s, q);
      if (lv !== null) {
        f.level = lv.level;
        q = lv.end;
      } else if (s.startsWith('FAILURE ', q)) {
        f.level = 3;
        q += 7;
      }
      f.msgStart = skipBlanks(s, q);
      return true;
    }
  }
  const h = scanSyslogHeader(s, p, receivedAt);
  if (h !== null && h.process !== null) {
    if (h.host !== null) f.host = h.host;
    f.process = h.process;
    f.pid = h.pid;
    if (h.level !== null) f.level = h.level;
    if (h.tag !== null) f.attrs.syslog = { tag: h.tag };
    p = h.end;
  }
  f.msgStart = p;
  return true;
}

/** Android logcat threadtime after the stamp: `  1702  2395 D WindowManager: msg`. */
function logcat(s: string, p: number, f: AppFields): boolean {
  let q = skipBlanks(s, p);
  const pe = digitsEnd(s, q, 10);
  if (pe === q || s.charCodeAt(pe) !== 32) return false;
  const te0 = skipBlanks(s, pe);
  const te = digitsEnd(s, te0, 10);
  if (te === te0 || s.charCodeAt(te) !== 32) return false;
  const level = parseLevelLetter(s.charCodeAt(te + 1));
  if (level === null || s.charCodeAt(te + 2) !== 32) return false;
  q = te + 3;
  const colon = s.indexOf(': ', q);
  const tagEnd = colon >= 0 && colon - q <= 128 ? colon : -1;
  f.pid = toInt(s.slice(skipBlanks(s, p), pe));
  f.thread = s.slice(te0, te);
  f.level = level;
  if (tagEnd > q) {
    f.process = s.slice(q, tagEnd).trim();
    f.msgStart = tagEnd + 2;
  } else f.msgStart = q;
  return true;
}

/** HealthApp: `component|pid|message` after the stamp. */
function pipeColumns(s: string, p: number, f: AppFields): boolean {
  const a = s.indexOf('|', p);
  if (a < 0 || a - p > 128) return false;
  const b = s.indexOf('|', a + 1);
  const pid = b > a ? decimal(s.slice(a + 1, b)) : null;
  f.process = s.slice(p, a);
  if (pid !== null) {
    f.pid = toInt(String(pid));
    f.msgStart = b + 1;
  } else f.msgStart = a + 1;
  return true;
}

function setTs(f: AppFields, s: string, from: number, ts: Scan): void {
  f.ts = ts.ms;
  f.tsOriginal = s.slice(from, ts.end);
}

function apply(text: string, f: AppFields, draft: Draft, ctx: DecodeContext): void {
  draft.format = 'text';
  if (f.ts !== null) {
    draft.ts = f.ts;
    draft.tsOriginal = f.tsOriginal;
  }
  if (f.level !== null) draft.level = f.level;
  if (f.pid !== null) draft.pid = f.pid;
  if (f.process !== null && f.process.length > 0) draft.process = f.process;
  if (f.host !== null) draft.host = f.host;
  if (f.user !== null) draft.user = f.user;
  const a = draft.attributes;
  for (const k of Object.keys(f.attrs)) setOwn(a, k, f.attrs[k]);
  if (f.thread !== null) a.thread = f.thread;
  if (f.logger !== null) a.logger = f.logger;
  const message = text.slice(f.msgStart);
  draft.message = message;
  if (f.srcIp !== null) draft.src_ip = f.srcIp;
  if (f.srcPort !== null && f.srcPort <= 65535) draft.src_port = f.srcPort;
  if (f.dstIp !== null) draft.dst_ip = f.dstIp;
  if (f.dstPort !== null) draft.dst_port = f.dstPort;
  if (draft.src_ip === null) nginxClient(message, draft);
  wsgiRequest(message, draft);
  messagePeers(message, draft);
  logfmtPairs(message, draft, ctx);
  // Nothing else named a program: the logger / component column does (Hadoop, HDFS, Spark,
  // Zookeeper, OpenStack write the emitting component there). Python's `root` logger names none.
  if (draft.process === null && f.logger !== null && f.logger !== 'root') draft.process = f.logger;
}

/** nginx error log: `…, client: 203.0.113.9, server: example.com, request: "GET / HTTP/1.1"…`. */
function nginxClient(message: string, draft: Draft): void {
  const k = message.indexOf(', client: ');
  if (k < 0) return;
  const e = message.indexOf(',', k + 10);
  const ip = message.slice(k + 10, e < 0 ? message.length : e);
  if (isIp(ip)) draft.src_ip = ip;
}

/** OpenStack WSGI: `10.11.10.1 "GET /v2/… HTTP/1.1" status: 200 len: 1893 time: 0.2477829`. */
function wsgiRequest(message: string, draft: Draft): void {
  const c = message.charCodeAt(0);
  if (!isDigit(c) && !(c >= 97 && c <= 102) && c !== 58) return;
  const sp = message.indexOf(' "');
  if (sp < 0 || sp > 100) return;
  const clients = message.slice(0, sp).split(',');
  if (!clients.every((x) => isIp(x))) return;
  const q = readQuoted(message, sp + 2);
  if (q === null || !message.startsWith(' status: ', q.end)) return;
  const rest = message.slice(q.end + 9, q.end + 80).split(' ');
  const status = decimal(rest[0] ?? '');
  if (status === null) return;
  const parts = q.value.split(' ');
  const r: WebRequest = {
    method: parts.length >= 2 && /^[A-Z]+$/.test(parts[0]!) ? parts[0]! : null,
    target: parts.length >= 2 ? parts[1]! : null,
    version: parts.length === 3 && parts[2]!.startsWith('HTTP/') ? parts[2]!.slice(5) : null,
    status,
    bytes: rest[1] === 'len:' ? decimal(rest[2] ?? '') : null,
    referrer: null,
    userAgent: null,
    durationNs: rest[3] === 'time:' && /^\d+\.\d+$/.test(rest[4] ?? '') ? Math.round(Number(rest[4]) * 1e9) : null,
    action: 'http-request',
  };
  draft.src_ip = clients[0]!;
  const level = draft.level;
  applyWebRequest(r, draft);
  if (level !== null) draft.level = level; // the line's own level column wins over the status
}

/**
 * `ts LEVEL key=value key2="v 2"`: the pairs are mapped like a logfmt line's; what the header
 * said (ts, level, process…) is kept, the header's attributes win, and the message stays
 * unless the pairs carry one (`msg=`).
 */
function logfmtPairs(message: string, draft: Draft, ctx: DecodeContext): void {
  if (message.length > PAIRS_MAX) return;
  const first = message.indexOf('=');
  if (first < 0 || message.indexOf('=', first + 1) < 0) return;
  const r = parseLogfmt(message);
  // Pairs, not prose that happens to hold two `=`: at most one bare word (`login user=… ip=…`)
  // and identifier keys (`getTopPadding=333.0, Translation=-24.0` in a sentence is no record).
  if (!r.ok || r.assignments < 2 || r.bare > 1) return;
  // A value ending in `,` is a comma-separated sentence (`to=root, delay=…`).
  for (const [k, v] of Object.entries(r.pairs)) {
    if (!/^[A-Za-z_][\w.-]{0,63}$/.test(k) || (typeof v === 'string' && v.endsWith(','))) return;
  }
  const sub = newDraft('logfmt');
  mapRecord(r.pairs, sub, ctx);
  if (draft.ts === null && sub.ts !== null) {
    draft.ts = sub.ts;
    draft.tsOriginal = sub.tsOriginal;
  }
  for (const k of ['level', 'process', 'pid', 'user', 'src_ip', 'dst_ip', 'src_port', 'dst_port', 'domain', 'host'] as const) {
    if (draft[k] === null && sub[k] !== null) (draft as unknown as Record<string, unknown>)[k] = sub[k];
  }
  if (sub.message !== null) draft.message = sub.message;
  for (const k of Object.keys(sub.attributes)) {
    if (!Object.prototype.hasOwnProperty.call(draft.attributes, k)) setOwn(draft.attributes, k, sub.attributes[k]);
  }
}
