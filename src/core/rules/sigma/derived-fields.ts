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
  /**
   * Security 4657's registry path in Sysmon's `TargetObject` form: the key (`ObjectName`,
   * `\REGISTRY\MACHINE\SYSTEM\ControlSet001\…`) under Sysmon's hive names (`HKLM\`, `HKU\`) and
   * with `CurrentControlSet` for the numbered control set, then `\` and the value name
   * (`ObjectValueName`), as Sysmon 13 names the value it set. Other events: nothing.
   */
  'windows.registry_target': (e: NormalizedEvent) => {
    const a = e.attributes;
    const key = a['ObjectName'];
    if (typeof key !== 'string' || !/^\\REGISTRY\\/i.test(key)) return undefined;
    const value = meaningful(a['ObjectValueName']);
    const path = registryPath(key);
    return value === null ? path : `${path}\\${value}`;
  },
  /**
   * Security 4657's new value in Sysmon's `Details` form: a REG_DWORD (`NewValueType` %%1876,
   * written in decimal) as `DWORD (0x0000000a)`, anything else as written.
   */
  'windows.registry_details': (e: NormalizedEvent) => {
    const a = e.attributes;
    const v = a['NewValue'];
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    if (a['NewValueType'] === '%%1876' || a['NewValueType'] === 'REG_DWORD') {
      const t = String(v).trim();
      const n = /^0x[0-9a-f]{1,8}$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d{1,10}$/.test(t) ? Number(t) : NaN;
      if (Number.isInteger(n) && n <= 0xffffffff) return `DWORD (0x${n.toString(16).padStart(8, '0')})`;
    }
    return typeof v === 'number' ? String(v) : v === '-' ? undefined : v;
  },
  /** Security 4657's `OperationType` as Sysmon's registry `EventType`: SetValue or DeleteValue. */
  'windows.registry_event_type': (e: NormalizedEvent) => {
    const op = e.attributes['OperationType'];
    return typeof op === 'string' ? REGISTRY_OPERATIONS[op.trim()] : undefined;
  },
  /** Security 5156's `Direction` as Sysmon 3's `Initiated`: outbound (%%14593) is `true`. */
  'windows.wfp_initiated': (e: NormalizedEvent) => {
    const d = e.attributes['Direction'];
    if (d === '%%14593' || d === 'Outbound') return 'true';
    if (d === '%%14592' || d === 'Inbound') return 'false';
    return undefined;
  },
  /** Security 5156's IANA protocol number as Sysmon 3's `Protocol` word (6 → tcp, 17 → udp). */
  'windows.wfp_protocol': (e: NormalizedEvent) => {
    const p = e.attributes['Protocol'];
    const n = typeof p === 'number' ? p : typeof p === 'string' && /^\d{1,3}$/.test(p.trim()) ? Number(p) : NaN;
    if (!Number.isInteger(n)) return typeof p === 'string' ? p : undefined;
    return PROTOCOLS[n] ?? String(n);
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

/** OperationType as written (%%1904 …) and as its message table renders it. */
const REGISTRY_OPERATIONS: Readonly<Record<string, string>> = {
  '%%1904': 'SetValue',
  '%%1905': 'SetValue',
  '%%1906': 'DeleteValue',
  'New registry value created': 'SetValue',
  'Existing registry value modified': 'SetValue',
  'Registry value deleted': 'DeleteValue',
};

const PROTOCOLS: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

/** The kernel's registry names (`\REGISTRY\MACHINE\…`, `\REGISTRY\USER\…`) as Sysmon writes them. */
function registryPath(key: string): string {
  const m = /^\\REGISTRY\\(MACHINE|USER)(?=\\|$)/i.exec(key);
  if (m === null) return key;
  const hive = m[1]!.toUpperCase() === 'MACHINE' ? 'HKLM' : 'HKU';
  // Sysmon names the control set in use CurrentControlSet; the kernel names it by number.
  return hive + key.slice(m[0].length).replace(/^(\\SYSTEM)\\ControlSet\d{3}(?=\\|$)/i, '$1\\CurrentControlSet');
}

function meaningful(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t === '-' ? null : t;
}

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
