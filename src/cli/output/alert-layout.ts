/** How an alert (in the API's JSON shape) is laid out as a table row and as a CSV record. */
import type { ApiAlert } from '../../query/render.js';
import { alertStateStyle, severityStyle } from '../../client/colors.js';
import type { RecordLayout } from './record-output.js';

export const ALERT_LAYOUT: RecordLayout<ApiAlert> = {
  table: [
    { header: 'ID', value: (a) => String(a.id), max: 10 },
    { header: 'LAST SEEN', value: (a) => a.last_seen, max: 24 },
    { header: 'SEVERITY', value: (a) => a.severity, max: 8, style: (a) => severityStyle(a.severity) },
    { header: 'STATE', value: (a) => a.state, max: 12, style: (a) => alertStateStyle(a.state) },
    // What muted its last write (silence:<id>, window:<name>): stored, not notified.
    { header: 'SILENCED', value: (a) => a.silenced_by ?? '-', max: 24, style: (a) => (a.silenced_by === null ? null : '2') },
    { header: 'HOST', value: (a) => a.host ?? '-', max: 28 },
    { header: 'COUNT', value: (a) => String(a.count), max: 8 },
    { header: 'RULE', value: (a) => a.rule_id, max: 28 },
    { header: 'TITLE', value: (a) => a.title, flex: true, min: 20 },
  ],
  csv: [
    { header: 'id', value: (a) => a.id },
    { header: 'rule_id', value: (a) => a.rule_id },
    { header: 'severity', value: (a) => a.severity },
    { header: 'state', value: (a) => a.state },
    { header: 'host', value: (a) => a.host },
    { header: 'title', value: (a) => a.title },
    { header: 'first_seen', value: (a) => a.first_seen },
    { header: 'last_seen', value: (a) => a.last_seen },
    { header: 'count', value: (a) => a.count },
    { header: 'sample_event_ids', value: (a) => a.sample_event_ids.join(' ') },
    { header: 'dedup_key', value: (a) => a.dedup_key },
    { header: 'state_changed_by', value: (a) => a.state_changed_by },
    { header: 'state_changed_at', value: (a) => a.state_changed_at },
    { header: 'comment', value: (a) => a.comment },
    { header: 'silenced_by', value: (a) => a.silenced_by },
  ],
};
