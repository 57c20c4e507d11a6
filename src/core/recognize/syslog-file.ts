import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim } from '../decode/draft.js';
import { applySyslogHeader, scanSyslogHeader } from '../decode/syslog-header.js';
import { parseLevelWord } from '../decode/level.js';
import type { LineRecognizer } from './line-recognizer.js';

/**
 * A syslog line as syslog daemons write it to files: the RFC 3164 header without PRI
 * (`Nov 20 10:16:03 web1 sshd[1234]: Failed password …`) or rsyslog's RFC 3339 high-precision
 * header (`2026-11-20T10:16:03.123456+01:00 web1 sshd[1234]: …`); the header grammar is in
 * decode/syslog-header.ts. Format `syslog3164`, the message is MSG.
 *
 * The line must name a program (a tag): `Nov 20 10:16:03 Starting server` is an application line
 * with a timestamp, not syslog. An ISO-stamped line must also name a host, because
 * `2026/11/20 10:16:03 http: TLS handshake error` is Go's log package, not rsyslog.
 * The level comes from a severity word the program put first (`error: `, `warning: `), if any.
 */
export const syslogFile: LineRecognizer = {
  name: 'syslog-file',
  recognize(text: string, draft: Draft, ctx: DecodeContext): boolean {
    const c = text.charCodeAt(0);
    // Month names start with an upper-case letter (any case accepted after this look); ISO with a digit.
    const digit = c >= 48 && c <= 57;
    if (!digit && !((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
    if (digit && text.charCodeAt(4) !== 45) return false; // rsyslog writes `yyyy-MM-dd`
    const h = scanSyslogHeader(text, 0, ctx.receivedAt);
    if (h === null || h.process === null || (h.iso && h.host === null && h.level === null)) return false;
    if (h.iso && h.host !== null && levelInHostPlace(text, h.tsOriginal.length + 1)) return false;
    draft.format = 'syslog3164';
    applySyslogHeader(h, draft);
    draft.message = text.slice(h.end);
    if (draft.level === null) draft.level = severityPrefix(draft.message);
    claim(draft, 'syslog-file');
    return true;
  },
};

/**
 * NetworkManager (and ModemManager) put the level in angle brackets first:
 * `<warn>  [1763633763.1234] device (eth0): …`, `<info>`, `<error>`, `<debug>`, `<trace>`.
 */
function angleLevel(message: string): number | null {
  const close = message.indexOf('>', 1);
  if (close < 4 || close > 8 || message.charCodeAt(close + 1) !== 32) return null;
  return parseLevelWord(message.slice(1, close));
}

/**
 * `2026-11-20 10:16:03,123 INFO success: nginx entered RUNNING state` (supervisord, Python's
 * logging) has an upper-case level word where rsyslog puts the host: an application line.
 */
function levelInHostPlace(text: string, p: number): boolean {
  let end = p;
  while (end < text.length && end - p < 14 && text.charCodeAt(end) !== 32) end++;
  const word = text.slice(p, end);
  return word.length >= 3 && word === word.toUpperCase() && parseLevelWord(word) !== null;
}

/**
 * A file line has no PRI, but many daemons say the severity at the start of the message, in the
 * words their own log functions prepend: OpenSSH's log.c (`error: `, `fatal: ` for LOG_ERR,
 * LOG_CRIT), Postfix's msg_output (`warning: `, `error: `, `fatal: `, `panic: `).
 */
const SEVERITY_PREFIXES: readonly [string, number][] = [
  ['error: ', 3],
  ['warning: ', 4],
  ['fatal: ', 2],
  ['panic: ', 2],
];

function severityPrefix(message: string): number | null {
  const c = message.charCodeAt(0);
  if (c === 60 /* < */) return angleLevel(message);
  if (c !== 101 && c !== 119 && c !== 102 && c !== 112) return null; // e w f p
  for (const [word, level] of SEVERITY_PREFIXES) if (message.startsWith(word)) return level;
  return null;
}
