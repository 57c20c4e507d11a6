/** How a silence (in the API's JSON shape) is laid out as a table row and as a CSV record. */
import type { ApiSilence } from '../../query/render.js';
import type { RecordLayout } from './record-output.js';

/** `rule=ssh.*,sigma.* host=web-1 severity=HIGH`: the matchers that are set, ANDed. */
export function matcherText(m: ApiSilence['matchers']): string {
  const parts: string[] = [];
  if (m.rules.length > 0) parts.push(`rule=${m.rules.join(',')}`);
  if (m.hosts.length > 0) parts.push(`host=${m.hosts.join(',')}`);
  if (m.severities.length > 0) parts.push(`severity=${m.severities.join(',')}`);
  return parts.join(' ');
}

/** Who ended it early, after who made it: `ana (expired by bob)`. */
const who = (s: ApiSilence): string => (s.expired_by === null ? s.created_by : `${s.created_by} (expired by ${s.expired_by})`);

export const SILENCE_LAYOUT: RecordLayout<ApiSilence> = {
  table: [
    { header: 'ID', value: (s) => String(s.id), max: 10 },
    { header: 'STATE', value: (s) => s.state, max: 8, style: (s) => (s.state === 'active' ? '33' : s.state === 'expired' ? '2' : null) },
    { header: 'STARTS', value: (s) => s.starts_at, max: 24 },
    { header: 'ENDS', value: (s) => s.ends_at, max: 24 },
    { header: 'MATCHERS', value: (s) => matcherText(s.matchers), max: 60 },
    { header: 'BY', value: who, max: 40 },
    { header: 'COMMENT', value: (s) => s.comment, flex: true, min: 20 },
  ],
  csv: [
    { header: 'id', value: (s) => s.id },
    { header: 'state', value: (s) => s.state },
    { header: 'starts_at', value: (s) => s.starts_at },
    { header: 'ends_at', value: (s) => s.ends_at },
    { header: 'rules', value: (s) => s.matchers.rules.join(' ') },
    { header: 'hosts', value: (s) => s.matchers.hosts.join(' ') },
    { header: 'severities', value: (s) => s.matchers.severities.join(' ') },
    { header: 'created_by', value: (s) => s.created_by },
    { header: 'created_at', value: (s) => s.created_at },
    { header: 'comment', value: (s) => s.comment },
    { header: 'expired_by', value: (s) => s.expired_by },
    { header: 'expired_at', value: (s) => s.expired_at },
  ],
};
