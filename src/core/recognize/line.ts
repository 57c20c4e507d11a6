import type { DecodeContext, Draft } from '../decode/draft.js';
import type { LineRecognizer } from './line-recognizer.js';
import { accessLog } from './access-log.js';
import { appLine } from './app-line.js';
import { squid } from './squid.js';
import { syslogFile } from './syslog-file.js';
import { w3c } from './w3c.js';
import { auditdLine } from './auditd.js';
import { vsftpdLog } from './vsftpd-log.js';
import { cri } from './cri.js';
import { ciscoLine } from './cisco.js';


export type { LineRecognizer } from './line-recognizer.js';

/** Most specific shapes first; the leading-timestamp application line last. */
export const LINE_RECOGNIZERS: readonly LineRecognizer[] = [
  cri,
  ciscoLine,
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
