import type { NormalizedEvent } from '../../event.js';
import type { FieldReader } from '../../fields.js';

/**
 * Values a Sigma field can read that no single event field holds, computed from the fields a
 * recognizer wrote. Named `@name` in a field map target (logsource-presets.ts).
 */
export const DERIVED_FIELDS: Readonly<Record<string, FieldReader>> = Object.freeze({
  /**
   * An auditd EXECVE record's argv (`a0` … `a<argc-1>`, already hex-decoded by the recognizer)
   * joined by blanks: the CommandLine of Sigma's process_creation. Long arguments auditd splits
   * into `a1[0]`, `a1[1]` … are joined back.
   */
  'auditd.command_line': (e: NormalizedEvent) => {
    const data = auditData(e);
    if (data === null || auditType(e) !== 'EXECVE') return undefined;
    const argc = Number(data['argc']);
    const n = Number.isInteger(argc) && argc > 0 ? Math.min(argc, 1024) : 1024;
    const args: string[] = [];
    for (let i = 0; i < n; i++) {
      let arg = data[`a${i}`];
      if (typeof arg !== 'string') {
        let parts = '';
        for (let k = 0; k < 4096 && typeof data[`a${i}[${k}]`] === 'string'; k++) parts += data[`a${i}[${k}]`] as string;
        if (parts === '' && n === 1024) break; // no argc: the args end at the first gap
        arg = parts;
      }
      args.push(arg as string);
    }
    return args.length > 0 ? args.join(' ') : undefined;
  },
  /** Security events' acting account as `DOMAIN\name` (Sysmon's `User` form). */
  'windows.subject_user': (e: NormalizedEvent) => {
    const a = e.attributes;
    const name = a['SubjectUserName'];
    if (typeof name !== 'string' || name === '' || name === '-') return undefined;
    const domain = a['SubjectDomainName'];
    return typeof domain === 'string' && domain !== '' && domain !== '-' ? `${domain}\\${name}` : name;
  },
});

function auditData(e: NormalizedEvent): Record<string, unknown> | null {
  const a = e.attributes['auditd'];
  if (typeof a !== 'object' || a === null) return null;
  const d = (a as Record<string, unknown>)['data'];
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : null;
}

function auditType(e: NormalizedEvent): unknown {
  const a = e.attributes['auditd'];
  return typeof a === 'object' && a !== null ? (a as Record<string, unknown>)['type'] : undefined;
}
