import type { Draft } from '../../decode/draft.js';

/**
 * Program decoders: what a known program's message says, once a header (syslog, journald,
 * an envelope's `process.name`) has named the program and left its text in `draft.message`.
 * `sshd: Failed password for root from 203.0.113.5 port 40022 ssh2` → user, src_ip, src_port,
 * attributes.event.action = 'login', attributes.event.outcome = 'failure', …
 *
 * Decoders are data where they can be: a table of patterns per program (see the files beside
 * this one). The message text is never changed; decoders only add fields.
 */
export function decodeProgram(draft: Draft): void {
  if (draft.message === null) return;
}
