import type { DecodeContext, Draft } from '../decode/draft.js';

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
