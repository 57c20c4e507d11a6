import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim } from '../decode/draft.js';
import { decodeAuditRecord } from './auditd-record.js';
import type { LineRecognizer } from './line-recognizer.js';

/**
 * audit.log lines (`type=USER_LOGIN msg=audit(1700000000.123:4567): …`, optionally `node=…`
 * first): the whole line stays the message; time, host and the record's fields come from it.
 */
export const auditdLine: LineRecognizer = {
  name: 'auditd',
  recognize(text: string, draft: Draft, _ctx: DecodeContext): boolean {
    const c = text.charCodeAt(0);
    if (c !== 116 /* t */ && c !== 110 /* n */) return false;
    if (!text.startsWith('type=') && !text.startsWith('node=')) return false;
    if (!decodeAuditRecord(text, draft)) return false;
    draft.message = text;
    claim(draft, 'auditd');
    return true;
  },
};
