import type { Draft } from '../../decode/draft.js';
import { claim } from '../../decode/draft.js';
import { decodeAuditRecord, decodeJournalAudit } from '../auditd-record.js';
import { ACCOUNTS, CRON, LOGIND } from './accounts.js';
import { decodeDovecot, decodeExim, POSTFIX } from './mail.js';
import { FAIL2BAN, HAPROXY, LOGIN, MYSQL, POSTGRES, PUREFTPD, SSHGUARD } from './more.js';
import { CISCO_ASA } from './cisco-asa.js';
import { decodeFilterlog } from './filterlog.js';
import { decodeNetfilter } from './netfilter.js';
import { decodePamPrefixed, decodePamTagged } from './pam.js';
import { decodeSamba, DHCPD, DROPBEAR, FTPD, KLOGIND, NAMED, NTPD, PROFTPD, SNMPD, VSFTPD, XINETD } from './services.js';
import { SSHD } from './sshd.js';
import { decodeSysmonXml } from '../sysmon-linux.js';
import { decodeSudo, DOAS, SU } from './sudo.js';
import type { ProgramTable } from './table.js';
import { applyTable, setAttr } from './table.js';

/**
 * Program decoders: what a known program's message says, once a header (syslog, journald,
 * an envelope's `process.name`) has named the program and left its text in `draft.message`.
 * `sshd: Failed password for root from 203.0.113.5 port 40022 ssh2` → user, src_ip, src_port,
 * attributes.event.action = 'login', attributes.event.outcome = 'failure', …
 *
 * Decoders are data where they can be: a table of patterns per program (see the files beside
 * this one). The message text is never changed; decoders only add fields.
 */

interface ProgramDecoder {
  /** The name `claim` records. */
  name: string;
  decode(text: string, draft: Draft): boolean;
}

const table = (t: ProgramTable): ProgramDecoder => ({ name: t.name, decode: (s, d) => applyTable(t, s, d) });

const sshd = table(SSHD);
const accounts = table(ACCOUNTS);
const cron = table(CRON);
const dovecot: ProgramDecoder = { name: 'dovecot', decode: decodeDovecotOrPam };
const samba: ProgramDecoder = { name: 'samba', decode: decodeSamba };
const audit: ProgramDecoder = { name: 'auditd', decode: decodeAuditMessage };
const named = table(NAMED);

/** Program names (lower case) → decoder. Variants a distribution or version uses map to one. */
const BY_PROGRAM = new Map<string, ProgramDecoder>([
  ['sshd', sshd],
  ['sshd-session', sshd], // OpenSSH 9.8+: the per-connection process
  ['sshd-auth', sshd], // OpenSSH 10: the pre-authentication process
  ['sudo', { name: 'sudo', decode: decodeSudo }],
  ['su', table(SU)],
  ['doas', table(DOAS)],
  ...['useradd', 'userdel', 'usermod', 'groupadd', 'groupdel', 'groupmod', 'gpasswd', 'passwd', 'chpasswd', 'chage', 'newusers'].map(
    (p) => [p, accounts] as [string, ProgramDecoder],
  ),
  ['systemd-logind', table(LOGIND)],
  ['cron', cron],
  ['crond', cron],
  ['anacron', cron],
  ['kernel', { name: 'netfilter', decode: decodeKernel }],
  ['filterlog', { name: 'filterlog', decode: decodeFilterlog }],
  ['asa', table(CISCO_ASA)],
  ['ftd', table(CISCO_ASA)],
  ['dovecot', dovecot],
  ['imap-login', dovecot],
  ['pop3-login', dovecot],
  ['exim', { name: 'exim', decode: decodeExim }],
  ['exim4', { name: 'exim', decode: decodeExim }],
  ['vsftpd', table(VSFTPD)],
  ['proftpd', table(PROFTPD)],
  ['ftpd', table(FTPD)],
  ['in.ftpd', table(FTPD)],
  ['klogind', table(KLOGIND)],
  ['kshd', table(KLOGIND)],
  ['snmpd', table(SNMPD)],
  ['ntpd', table(NTPD)],
  ['dhcpd', table(DHCPD)],
  ['xinetd', table(XINETD)],
  ['dropbear', table(DROPBEAR)],
  ['login', table(LOGIN)],
  ['sshguard', table(SSHGUARD)],
  ['haproxy', table(HAPROXY)],
  ...['mysqld', 'mysql', 'mariadbd', 'mariadb'].map((p) => [p, table(MYSQL)] as [string, ProgramDecoder]),
  ...['postgres', 'postgresql', 'postmaster'].map((p) => [p, table(POSTGRES)] as [string, ProgramDecoder]),
  ['pure-ftpd', table(PUREFTPD)],
  ['named', named],
  ['named-pkcs11', named],
  ['bind', named],
  ['smbd', samba],
  ['samba', samba],
  ['winbindd', samba],
  ['audit', audit],
  ['auditd', audit],
  ['audispd', audit],
  ['audisp-syslog', audit],
  // Sysmon for Linux: one Windows event XML document per message.
  ['sysmon', { name: 'sysmon-linux', decode: decodeSysmonXml }],
]);

const POSTFIX_DECODER = table(POSTFIX);
const FAIL2BAN_DECODER = table(FAIL2BAN);

/** The program names with a decoder (plus any name starting `postfix` or `fail2ban`). */
export const PROGRAM_NAMES: readonly string[] = [...BY_PROGRAM.keys(), 'postfix/smtpd', 'fail2ban.actions'];

/** `sshd(pam_unix)`: old Red Hat syslog names the PAM module beside the service. */
const TAGGED_PAM = /^([\w.-]{1,64})\((pam_[\w-]{1,32})\)$/;

/** The same in the tag a syslog header kept (`sshd(pam_unix)[19939]`) after naming the program `sshd`. */
const TAGGED_PAM_TAG = /^([\w.-]{1,64})\((pam_[\w-]{1,32})\)(?:\[\d{1,10}\])?$/;

function taggedByHeader(draft: Draft): RegExpExecArray | null {
  const syslog = draft.attributes.syslog;
  if (typeof syslog !== 'object' || syslog === null) return null;
  const tag = (syslog as Record<string, unknown>).tag;
  return typeof tag === 'string' && tag.indexOf('(pam_') > 0 ? TAGGED_PAM_TAG.exec(tag.toLowerCase()) : null;
}

/** rsyslog's `message repeated 5 times: [ Failed password for root from … port … ssh2]`. */
const REPEATED = /^message repeated (\d{1,9}) times: \[ ?/;

export function decodeProgram(draft: Draft): void {
  if (draft.message === null || draft.process === null) return;
  let text = draft.message;
  // Cheap tests first: this runs for every message that names a program.
  // Trailing blanks (old syslogd, Loghub's Linux sample) would defeat the patterns' `$` anchors.
  const last = text.charCodeAt(text.length - 1);
  if (last === 32 || last === 9) text = text.trimEnd();
  const rep = text.startsWith('message repeated ') ? REPEATED.exec(text) : null;
  if (rep !== null) {
    text = text.slice(rep[0].length, text.endsWith(']') ? -1 : undefined);
    setAttr(draft, 'log.repeated', Number(rep[1]));
  }
  const program = draft.process.toLowerCase();
  const tagged = program.endsWith(')') ? TAGGED_PAM.exec(program) : taggedByHeader(draft);
  if (tagged !== null) {
    decodePamTagged(tagged[1]!, tagged[2]!, text, draft);
    claim(draft, 'pam');
    return;
  }
  // PAM modules log under whatever program loaded them.
  if (text.startsWith('pam_') && decodePamPrefixed(text, draft)) {
    claim(draft, 'pam');
    return;
  }
  const decoder = decoderFor(program);
  if (decoder !== undefined && decoder.decode(text, draft)) {
    claim(draft, decoder.name === 'netfilter' && isAuditText(text) ? 'auditd' : decoder.name);
    return;
  }
  // Firewall and audit lines also come through relays and collectors under other names.
  if (decoder?.name !== 'netfilter' && decodeKernel(text, draft)) claim(draft, isAuditText(text) ? 'auditd' : 'netfilter');
}

function decoderFor(program: string): ProgramDecoder | undefined {
  const direct = BY_PROGRAM.get(program);
  if (direct !== undefined) return direct;
  // postfix/smtpd, postfix/submission/smtpd, postfix-in/smtpd (multi-instance).
  if (program.startsWith('postfix')) return POSTFIX_DECODER;
  // fail2ban.actions, fail2ban.filter, fail2ban-server.
  if (program.startsWith('fail2ban')) return FAIL2BAN_DECODER;
  const slash = program.lastIndexOf('/');
  return slash >= 0 ? BY_PROGRAM.get(program.slice(slash + 1)) : undefined;
}

/** `[ 1234.567890] ` as the kernel's uptime stamp. */
const UPTIME = /^\[\s{0,12}\d{1,10}\.\d{1,9}\] ?/;

function isAuditText(text: string): boolean {
  const up = text.startsWith('[') ? UPTIME.exec(text) : null;
  const t = up === null ? text : text.slice(up[0].length);
  return t.startsWith('audit: type=') || t.startsWith('type=') || t.startsWith('node=');
}

/** The kernel speaks for netfilter and for the audit subsystem (`audit: type=1400 audit(…)`). */
function decodeKernel(text: string, draft: Draft): boolean {
  if (isAuditText(text)) return decodeAuditMessage(text, draft);
  return decodeNetfilter(text, draft);
}

function decodeAuditMessage(text: string, draft: Draft): boolean {
  const up = text.startsWith('[') ? UPTIME.exec(text) : null;
  let t = up === null ? text : text.slice(up[0].length);
  if (t.startsWith('audit: ')) t = t.slice(7);
  return decodeAuditRecord(t, draft) || decodeJournalAudit(t, draft);
}

/** Dovecot logs PAM through its auth process: `auth: pam_unix(dovecot:auth): …`. */
function decodeDovecotOrPam(text: string, draft: Draft): boolean {
  if (decodeDovecot(text, draft)) return true;
  const colon = text.indexOf(': pam_');
  return colon >= 0 && colon < 40 && decodePamPrefixed(text.slice(colon + 2), draft);
}
