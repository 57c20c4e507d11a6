import type { DecodeContext, Draft } from '../decode/draft.js';
import { accessLog } from './access-log.js';
import { appLine } from './app-line.js';
import { squid } from './squid.js';
import { syslogFile } from './syslog-file.js';
import { w3c } from './w3c.js';
import { auditdLine } from './auditd.js';
import { vsftpdLog } from './vsftpd-log.js';
import { cri } from './cri.js';

/**
 * A recognizer of one line shape that carries no container format of its own: a syslog file
 * line without PRI, a web access log line, an application line that starts with a timestamp, a
 * CRI container log line… It looks at the line, and when the line is its shape, fills the draft
 * (ts, host, process, message, …), calls `claim(draft, name)` and returns true. When the line is
 * not its shape it returns false and leaves the draft untouched. It never throws.
 *
 * Recognizers are tried in the order of LINE_RECOGNIZERS; each must reject a foreign line after
 * a look at its first few characters, since every text line passes through all of them.
 */
export interface LineRecognizer {
  /** Short kebab-case name shown by `logagg parse` (e.g. `syslog-file`, `access-log`). */
  readonly name: string;
  recognize(text: string, draft: Draft, ctx: DecodeContext): boolean;
}

/** Most specific shapes first; the leading-timestamp application line last. */
export const LINE_RECOGNIZERS: readonly LineRecognizer[] = [
  cri,
  syslogFile,
  auditdLine,
  vsftpdLog,
  accessLog,
  w3c,
  squid,
  appLine,
];

/**
 * Tries every line recognizer on `text` (already without BOM and trailing CR/LF); true when one
 * claimed it. The caller decodes the line otherwise (logfmt, plain text) when none did.
 */
export function recognizeLine(text: string, draft: Draft, ctx: DecodeContext): boolean {
  for (const r of LINE_RECOGNIZERS) if (r.recognize(text, draft, ctx)) return true;
  return false;
}
