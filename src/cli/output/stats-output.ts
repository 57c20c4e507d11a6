/**
 * `logagg query --count` and `--stats` output. JSON is the API's shape (GET /logs/stats), so
 * scripts can switch between the CLI and the API; the table is for people.
 */
import { LEVEL_NAMES, type Severity } from '../../core/event.js';
import type { LogStats } from '../../store/log-reader.js';
import { levelStyle, severityStyle } from '../../client/colors.js';
import { csvRow } from './csv.js';
import type { OutputFormat } from './record-output.js';
import { TableWriter } from './table.js';

export function renderCount(count: number, format: OutputFormat): string {
  switch (format) {
    case 'table':
      return `${count}\n`;
    case 'json':
    case 'ndjson':
      return JSON.stringify({ count }) + '\n';
    case 'csv':
      return csvRow(['count']) + csvRow([count]);
  }
}

const levelName = (level: number | null): string => (level === null ? 'none' : (LEVEL_NAMES[level] ?? String(level)));

export function renderStats(stats: LogStats, format: OutputFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return JSON.stringify(stats, null, 2) + '\n';
    case 'ndjson':
      return JSON.stringify(stats) + '\n';
    case 'csv': {
      let out = csvRow(['dimension', 'value', 'count']) + csvRow(['total', null, stats.total]);
      for (const h of stats.by_host) out += csvRow(['host', h.host, h.count]);
      for (const l of stats.by_level) out += csvRow(['level', l.level === null ? null : levelName(l.level), l.count]);
      for (const s of stats.by_threat_severity) out += csvRow(['threat_severity', s.severity, s.count]);
      return out;
    }
    case 'table': {
      const opts = { width: null, color };
      const count = { header: 'COUNT', value: (r: { count: number }) => String(r.count), max: 14 };
      const hosts = new TableWriter<{ host: string | null; count: number }>([{ header: 'HOST', value: (r) => r.host ?? '(none)', max: 60 }, count], opts);
      const levels = new TableWriter<{ level: number | null; count: number }>(
        [{ header: 'LEVEL', value: (r) => levelName(r.level), max: 10, style: (r) => levelStyle(r.level) }, count],
        opts,
      );
      const sevs = new TableWriter<{ severity: Severity | null; count: number }>(
        [{ header: 'THREAT', value: (r) => r.severity ?? 'none', max: 10, style: (r) => severityStyle(r.severity) }, count],
        opts,
      );
      let out = `TOTAL  ${stats.total}\n`;
      if (stats.total === 0) return out;
      out += '\n' + hosts.render(stats.by_host);
      if (stats.hosts_total > stats.by_host.length) out += `(${stats.by_host.length} of ${stats.hosts_total} hosts shown)\n`;
      out += '\n' + levels.render(stats.by_level);
      out += '\n' + sevs.render(stats.by_threat_severity);
      return out;
    }
  }
}
