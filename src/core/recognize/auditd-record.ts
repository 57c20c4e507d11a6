import type { Draft } from '../decode/draft.js';
import { normalizeHost } from '../decode/host.js';
import { normalizeIp, setAddress, setAttr, setTopLevel, setUser, setVerdict } from './programs/table.js';
import type { Outcome } from './programs/table.js';

/**
 * One Linux audit record, as auditd writes it to audit.log (`type=USER_LOGIN
 * msg=audit(1700000000.123:4567): pid=… msg='op=login acct="root" … res=failed'`), as audispd or
 * the kernel send it to syslog (`audit: type=1400 audit(…): apparmor="DENIED" …`), with an
 * optional `node=` first and, in the ENRICHED format, `\x1d`-separated interpreted values
 * (`UID="root" AUID="unset"`). Records of one event share the serial: `auditd.serial` links them.
 */

/** `[node=… ]type=… [msg=]audit(sec.ms:serial): ` */
const HEAD = /^(?:node=(?<node>\S{1,255}) )?type=(?<type>[A-Z0-9_]{1,32}) (?:msg=)?audit\((?<sec>\d{1,12})\.(?<ms>\d{1,3}):(?<serial>\d{1,20})\): ?/;

/** Fields auditd hex-encodes when the value holds a blank, a quote or a control character. */
const HEX_FIELDS = new Set(['acct', 'cmd', 'comm', 'cwd', 'data', 'dir', 'exe', 'file', 'grp', 'key', 'name', 'new-disk', 'new_group', 'old_group', 'ocomm', 'path', 'proctitle', 'saddr', 'vm']);

/** Kernel record numbers (include/uapi/linux/audit.h) seen through `audit: type=1400`. */
const TYPE_NAMES: Record<string, string> = {
  '1100': 'USER_AUTH', '1101': 'USER_ACCT', '1105': 'USER_START', '1106': 'USER_END', '1107': 'USER_AVC',
  '1112': 'USER_LOGIN', '1113': 'USER_LOGOUT', '1123': 'USER_CMD', '1130': 'SERVICE_START', '1131': 'SERVICE_STOP',
  '1300': 'SYSCALL', '1302': 'PATH', '1307': 'CWD', '1309': 'EXECVE', '1327': 'PROCTITLE', '1400': 'AVC', '1326': 'SECCOMP',
};

/** Record types that name what happened; the rest are `audit`. */
const ACTIONS: Record<string, string> = {
  USER_LOGIN: 'login', USER_LOGOUT: 'logout', USER_AUTH: 'user-auth', USER_ACCT: 'user-account-check',
  USER_CMD: 'sudo', USER_START: 'session-open', USER_END: 'session-close',
  ADD_USER: 'user-add', DEL_USER: 'user-delete', USER_MGMT: 'user-modify', USER_CHAUTHTOK: 'password-change',
  ADD_GROUP: 'group-add', DEL_GROUP: 'group-delete', GRP_MGMT: 'group-modify',
  SERVICE_START: 'service-start', SERVICE_STOP: 'service-stop', AVC: 'access-check', USER_AVC: 'access-check',
};

/** An EXECVE argument: `a0`, or a part of a long one, `a1[0]`. */
const ARG = /^a\d{1,4}(?:\[\d{1,5}\])?$/;

/** At most this many pairs are kept from one record. */
const MAX_PAIRS = 128;

export function isAuditRecord(text: string): boolean {
  return HEAD.test(text);
}

/** Fills the draft from one record; false (draft untouched) when `text` is not one. */
export function decodeAuditRecord(text: string, draft: Draft): boolean {
  const m = HEAD.exec(text);
  if (m === null) return false;
  const g = m.groups!;
  draft.ts = Number(g.sec) * 1000 + Number(g.ms!.padEnd(3, '0'));
  if (g.node !== undefined && draft.host === null) draft.host = normalizeHost(g.node);
  decodeAuditFields(TYPE_NAMES[g.type!] ?? g.type!, g.serial!, text.slice(m[0].length), draft);
  return true;
}

/**
 * journald's audit transport (SYSLOG_IDENTIFIER=audit): the type name, then the record's text
 * without `type=` and stamp — `USER_LOGIN pid=1 uid=0 … msg='op=login acct="root" … res=failed'`.
 */
const JOURNAL = /^(?<type>[A-Z][A-Z0-9_]{2,31}) (?=[a-z_]{1,32}=)/;

export function decodeJournalAudit(text: string, draft: Draft): boolean {
  const m = JOURNAL.exec(text);
  if (m === null) return false;
  decodeAuditFields(m.groups!.type!, null, text.slice(m[0].length), draft);
  return true;
}

function decodeAuditFields(type: string, serial: string | null, text: string, draft: Draft): void {
  const data: Record<string, string> = Object.create(null) as Record<string, string>;
  let body = text;
  let enriched = '';
  const gs = body.indexOf('\x1d');
  if (gs >= 0) {
    enriched = body.slice(gs + 1);
    body = body.slice(0, gs);
  }
  scanAuditPairs(body, data, 0, type === 'EXECVE');
  if (enriched.length > 0) scanAuditPairs(enriched, data);
  setAttr(draft, 'auditd.type', type);
  if (serial !== null) setAttr(draft, 'auditd.serial', serial);
  setAttr(draft, 'auditd.data', { ...data });
  const acct = data.acct ?? data.AUID;
  if (acct !== undefined && acct !== 'unset') setUser(draft, acct);
  // addr is the remote peer; hostname is its name then, but the local host for a local command.
  const addr = data.addr;
  if (addr !== undefined && normalizeIp(addr) !== null) {
    setAddress(draft, 'src', addr);
    if (data.hostname !== undefined && data.hostname !== addr) setTopLevel(draft, 'src_host', data.hostname);
  }
  if (data.terminal !== undefined && data.terminal !== '?') setAttr(draft, 'process.tty', data.terminal);
  if (data.exe !== undefined) setAttr(draft, 'process.executable', data.exe);
  if (type === 'USER_CMD' && data.cmd !== undefined) setAttr(draft, 'process.command_line', data.cmd);
  setVerdict(draft, { action: ACTIONS[type] ?? 'audit', outcome: outcomeOf(type, data, body) });
}

function outcomeOf(type: string, data: Record<string, string>, body: string): Outcome | undefined {
  const res = data.res ?? data.success;
  if (res !== undefined) {
    if (res === 'success' || res === 'yes' || res === '1') return 'success';
    if (res === 'failed' || res === 'failure' || res === 'no' || res === '0') return 'failure';
  }
  if (type === 'AVC' || type === 'USER_AVC') {
    if (data.apparmor === 'DENIED' || /^avc: {1,2}denied/.test(body) || body.includes('avc:  denied')) return 'failure';
    if (data.apparmor === 'ALLOWED' || data.apparmor === 'AUDIT' || /^avc: {1,2}granted/.test(body)) return 'success';
  }
  return undefined;
}

/**
 * `key=value` pairs: values bare (to the next blank), "double-quoted" or 'single-quoted'; the
 * `msg='…'` of user-space records is itself a list of pairs, read into the same map. Bare values
 * of HEX_FIELDS that are all hex digits are decoded (auditd's audit_encode_value).
 */
function scanAuditPairs(s: string, out: Record<string, string>, depth = 0, argv = false): void {
  let i = 0;
  const n = s.length;
  let count = Object.keys(out).length;
  while (i < n && count < MAX_PAIRS) {
    while (i < n && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
    let j = i;
    while (j < n && s.charCodeAt(j) !== 61 && s.charCodeAt(j) !== 32) j++;
    if (j >= n || s.charCodeAt(j) !== 61 || j === i) {
      i = j + 1; // a bare word (`avc:`, `{ read }`)
      continue;
    }
    const key = s.slice(i, j);
    const q = s.charCodeAt(j + 1);
    let value: string;
    if (q === 34 || q === 39) {
      const close = s.indexOf(q === 34 ? '"' : "'", j + 2);
      const end = close < 0 ? n : close;
      value = s.slice(j + 2, end);
      i = end + 1;
      if (key === 'msg' && q === 39 && depth === 0) {
        scanAuditPairs(value, out, 1);
        count = Object.keys(out).length;
        continue;
      }
    } else {
      let k = j + 1;
      while (k < n && s.charCodeAt(k) !== 32) k++;
      value = s.slice(j + 1, k);
      // EXECVE's arguments (a0, a1[0] …) are hex-encoded like HEX_FIELDS when not quoted.
      if (HEX_FIELDS.has(key) || (argv && ARG.test(key))) value = decodeHex(value, key === 'proctitle');
      i = k;
    }
    if (key !== '__proto__' && !(key in out)) {
      out[key] = value;
      count++;
    }
  }
}

/** Hex text to UTF-8 text, or the text unchanged when it is not even-length hex. */
function decodeHex(v: string, argv: boolean): string {
  if (v.length < 2 || v.length % 2 !== 0 || v.length > 16384 || !/^[0-9A-Fa-f]+$/.test(v)) return v;
  const bytes = new Uint8Array(v.length / 2);
  for (let k = 0; k < bytes.length; k++) {
    const b = parseInt(v.slice(2 * k, 2 * k + 2), 16);
    // proctitle holds argv joined by NULs: shown with blanks, as `ps` would.
    bytes[k] = argv && b === 0 ? 32 : b;
  }
  return UTF8.decode(bytes);
}

const UTF8 = new TextDecoder('utf-8');
