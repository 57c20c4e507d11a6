import { newDraft } from '../../../../src/core/decode/draft.js';
import { decodeProgram } from '../../../../src/core/recognize/programs/index.js';

/**
 * What a program decoder made of one message, flat: the top-level fields it set and the
 * attributes as dotted paths (`event.action`), plus `parser` (who claimed it). Tests compare
 * the whole of it, so a field set by mistake fails them too.
 */
export function decodeAs(program: string, message: string): Record<string, unknown> {
  const d = newDraft('syslog3164');
  d.process = program;
  d.message = message;
  decodeProgram(d);
  const out: Record<string, unknown> = {};
  for (const k of ['ts', 'host', 'user', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'domain', 'parser'] as const) {
    if (d[k] !== null) out[k] = d[k];
  }
  flatten(d.attributes, '', out);
  if (d.message !== message) out.message_changed = d.message;
  return out;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      if (prefix + k === 'auditd.data') out[prefix + k] = v;
      else flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    } else out[prefix + k] = v;
  }
}
