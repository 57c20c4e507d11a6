import type { Draft } from '../../decode/draft.js';
import type { ProgramTable } from './table.js';
import { setAddress, setAttr, setTopLevel, setUser, setVerdict } from './table.js';

/** vsftpd, ProFTPD and the old BSD ftpd; BIND named; Samba's authentication audit. */

export const VSFTPD: ProgramTable = {
  name: 'vsftpd',
  patterns: [
    {
      // logging.c: `[pid 1234] [alice] OK LOGIN: Client "203.0.113.5"`, `… OK UPLOAD: Client "…", "/path", 1234 bytes, 5.00Kbyte/sec`
      re: /^(?:\[pid \d{1,10}\] )?(?:\[(?<user>[^\]]{0,256})\] )?(?<ok>OK|FAIL) (?<verb>LOGIN|UPLOAD|DOWNLOAD|MKDIR|RMDIR|DELETE|RENAME|CHMOD): Client "(?<src_ip>[^"]{1,64})"(?:, "(?<path>[^"]{0,4096})")?(?:, (?<bytes>\d{1,15}) bytes)?/,
      action: 'login',
      outcome: 'success',
      outcomeBy: { group: 'ok', map: { OK: 'success', FAIL: 'failure' } },
      fields: { path: 'file.path' },
      then: (g, d) => {
        const verb = g.verb!;
        if (verb === 'UPLOAD') setVerdict(d, { action: 'file-upload' });
        else if (verb === 'DOWNLOAD') setVerdict(d, { action: 'file-download' });
        else if (verb !== 'LOGIN') setVerdict(d, { action: `file-${verb.toLowerCase()}` });
        else if (g.ok === 'FAIL') setVerdict(d, { reason: 'incorrect-password' });
        if (g.bytes !== undefined) setAttr(d, 'file.size', Number(g.bytes));
      },
    },
    { re: /^(?:\[pid \d{1,10}\] )?CONNECT: Client "(?<src_ip>[^"]{1,64})"/, action: 'connect', outcome: 'success' },
  ],
};

/** `server (client[1.2.3.4]) - ` before every ProFTPD session message. */
const PRO = '^(?<server>\\S{1,255}) \\((?<src_host>[^\\s()\\[\\]]{0,255})\\[(?<src_ip>[^\\]\\s]{1,64})\\]\\) - ';

export const PROFTPD: ProgramTable = {
  name: 'proftpd',
  patterns: [
    { re: new RegExp(`${PRO}(?:USER|ANON) (?<user>.{0,256}?): Login successful`), action: 'login', outcome: 'success' },
    { re: new RegExp(`${PRO}USER (?<user>.{0,256}?) \\(Login failed\\): (?<why>.{0,256})`), action: 'login', outcome: 'failure', reason: 'incorrect-password', fields: { why: 'ftp.error' } },
    { re: new RegExp(`${PRO}USER (?<user>.{0,256}?): no such user found`), action: 'login', outcome: 'failure', reason: 'invalid-user' },
    { re: new RegExp(`${PRO}Maximum login attempts \\(\\d{1,5}\\) exceeded`), action: 'login', outcome: 'failure', reason: 'max-auth-attempts' },
    { re: new RegExp(`${PRO}SECURITY VIOLATION: (?<user>\\S{1,256}) login attempted`), action: 'login', outcome: 'failure', reason: 'root-refused' },
    { re: new RegExp(`${PRO}FTP session opened`), action: 'session-open', outcome: 'success' },
    { re: new RegExp(`${PRO}FTP session closed`), action: 'session-close', outcome: 'success' },
  ],
};

/** The old BSD/Red Hat ftpd (Loghub's Linux sample). */
export const FTPD: ProgramTable = {
  name: 'ftpd',
  patterns: [
    { re: /^connection from (?<src_ip>[^\s()]{1,64})(?: \((?<src_host>[^)\s]{0,255})\))?/, action: 'connect', outcome: 'success' },
    { re: /^ANONYMOUS FTP LOGIN FROM (?<src_ip>[^\s,[\]]{1,64})(?: \[[^\]]{0,255}\])?, {1,2}\((?<user>[^)]{0,256})\)/, action: 'login', outcome: 'success' },
    { re: /^FTP LOGIN FROM (?<src_ip>[^\s,[\]]{1,64})(?: \[[^\]]{0,255}\])?, (?<user>\S{1,256})/, action: 'login', outcome: 'success' },
    { re: /^FTP LOGIN FAILED FROM (?<src_ip>[^\s,[\]]{1,64})(?: \[[^\]]{0,255}\])?, (?<user>\S{1,256})/, action: 'login', outcome: 'failure', reason: 'incorrect-password' },
    { re: /^FTP LOGIN REFUSED \([^)]{0,64}\) FROM (?<src_ip>[^\s,[\]]{1,64})(?: \[[^\]]{0,255}\])?, (?<user>\S{1,256})/, action: 'login', outcome: 'failure', reason: 'not-allowed' },
  ],
};

/** `client @0x7f… 203.0.113.5#53122 (example.com): ` (the @0x handle since BIND 9.11, the name since 9.x). */
const CLIENT = '^client (?:@0x[0-9a-fA-F]{1,16} )?(?<src_ip>[^\\s#]{1,64})#(?<src_port>\\d{1,5})(?: \\([^)]{0,255}\\))?: (?:view (?<view>[^:]{1,64}): )?';

export const NAMED: ProgramTable = {
  name: 'named',
  patterns: [
    {
      re: new RegExp(`${CLIENT}query: (?<domain>\\S{1,255}) (?<qclass>[A-Z0-9]{1,10}) (?<qtype>[A-Z0-9]{1,12}) (?<flags>[-+A-Za-z0-9()]{1,16})(?: \\((?<dst_ip>[^)\\s]{1,64})\\))?`),
      action: 'dns-query',
      outcome: 'success',
      fields: { qclass: 'dns.question.class', qtype: 'dns.question.type', flags: 'dns.flags', view: 'dns.view' },
      then: (g, d) => setAttr(d, 'dns.question.name', g.domain),
    },
    {
      re: new RegExp(`${CLIENT}(?<kind>query|query \\(cache\\)|zone transfer|update|notify) '(?<domain>[^/']{1,255})(?:/(?<qtype>[A-Z0-9]{1,12}))?/(?<qclass>[A-Z0-9]{1,10})' denied`),
      action: 'dns-denied',
      outcome: 'failure',
      fields: { qclass: 'dns.question.class', qtype: 'dns.question.type', view: 'dns.view', kind: 'dns.denied' },
      then: (g, d) => setAttr(d, 'dns.question.name', g.domain),
    },
  ],
};

/** Samba's auth_log.c: `Auth: [SMB2,(null)] user [DOM]\[alice] at [...] with [NTLMv2] status [NT_STATUS_…] … remote host [ipv4:1.2.3.4:50000] …`. */
const SAMBA_AUTH = /^\s{0,8}Auth: \[(?<svc>[^\]]{0,64})\] user \[(?<dom>[^\]]{0,256})\]\\\[(?<user>[^\]]{0,256})\] at \[[^\]]{0,64}\] with \[(?<auth>[^\]]{0,64})\] status \[(?<status>\w{1,64})\] workstation \[(?<ws>[^\]]{0,256})\] remote host \[(?<remote>[^\]]{0,80})\](?:.{0,1024}? local host \[(?<local>[^\]]{0,80})\])?/;

const SAMBA_REASONS: Record<string, string> = {
  NT_STATUS_WRONG_PASSWORD: 'incorrect-password',
  NT_STATUS_NO_SUCH_USER: 'invalid-user',
  NT_STATUS_ACCOUNT_LOCKED_OUT: 'account-locked',
  NT_STATUS_ACCOUNT_DISABLED: 'account-disabled',
  NT_STATUS_LOGON_FAILURE: 'incorrect-password',
};

export function decodeSamba(text: string, draft: Draft): boolean {
  const m = SAMBA_AUTH.exec(text);
  if (m === null) return false;
  const g = m.groups!;
  setUser(draft, g.user!);
  if (g.dom!.length > 0) setAttr(draft, 'user.domain', g.dom);
  setAttr(draft, 'samba.service', g.svc);
  setAttr(draft, 'samba.auth', g.auth);
  setAttr(draft, 'samba.status', g.status);
  if (g.ws!.length > 0) setAttr(draft, 'source.host', g.ws);
  tsocket(draft, 'src', g.remote!);
  if (g.local !== undefined) tsocket(draft, 'dst', g.local);
  const ok = g.status === 'NT_STATUS_OK';
  setVerdict(draft, { action: 'login', outcome: ok ? 'success' : 'failure', reason: ok ? undefined : SAMBA_REASONS[g.status!] });
  return true;
}

/** Samba's tsocket address: `ipv4:1.2.3.4:50000`, `ipv6:2001:db8::1:50000`. */
function tsocket(draft: Draft, side: 'src' | 'dst', s: string): void {
  const m = /^ipv[46]:(?<addr>.{1,64}):(?<port>\d{1,5})$/.exec(s);
  if (m === null) return;
  setAddress(draft, side, m.groups!.addr!);
  setTopLevel(draft, side === 'src' ? 'src_port' : 'dst_port', m.groups!.port!);
}

/** Kerberos klogind/kshd (Loghub's Linux sample): `Authentication failed from 1.2.3.4 (host): …`. */
export const KLOGIND: ProgramTable = {
  name: 'klogind',
  patterns: [
    {
      re: /^Authentication failed from (?<src_ip>[^\s()]{1,64})(?: \((?<src_host>[^)\s]{0,255})\))?: (?<why>.{0,256})/,
      action: 'login',
      outcome: 'failure',
      fields: { why: 'kerberos.error' },
    },
  ],
};

/** net-snmp's snmpd: `Received SNMP packet(s) from 1.2.3.4` (old), `Connection from UDP: [1.2.3.4]:51234->[5.6.7.8]:161`. */
export const SNMPD: ProgramTable = {
  name: 'snmpd',
  patterns: [
    { re: /^Received SNMP packet\(s\) from (?:UDP: \[)?(?<src_ip>[^\s\]]{1,64}?)(?:\]:(?<src_port>\d{1,5}))?$/, action: 'connect', outcome: 'success' },
    {
      re: /^Connection from (?:UDP|TCP): \[(?<src_ip>[^\]]{1,64})\]:(?<src_port>\d{1,5})(?:->\[(?<dst_ip>[^\]]{1,64})\](?::(?<dst_port>\d{1,5}))?)?/,
      action: 'connect',
      outcome: 'success',
    },
  ],
};

/** ntpd (ntp_proto.c): `synchronized to 192.0.2.10, stratum 2` — the server it now follows. */
export const NTPD: ProgramTable = {
  name: 'ntpd',
  patterns: [{ re: /^synchronized to (?<dst_ip>[^\s,]{1,64}), stratum (?<stratum>\d{1,2})/, action: 'time-sync', outcome: 'success', fields: { stratum: 'ntp.stratum' } }],
};

/**
 * ISC dhcpd (server/dhcp.c): the client's address, hardware address and the interface or relay
 * it came through. A request comes from the client (src_ip is the address it asks for, dst_ip the
 * server it names); an offer, ack or nak goes to it (dst_ip). Anything after `via …` (`: unknown
 * lease 10.0.0.5.`, `: wrong network.`) stays in the message.
 */
const MAC = '(?<mac>[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5})';
const VIA = ' (?:\\([^)]{0,255}\\) )?via (?<via>[^\\s:]{1,64})';
export const DHCPD: ProgramTable = {
  name: 'dhcpd',
  patterns: [
    { re: new RegExp(`^DHCPREQUEST for (?<src_ip>[\\d.]{7,15})(?: \\((?<dst_ip>[\\d.]{7,15})\\))? from ${MAC}${VIA}`), action: 'dhcp-request', outcome: 'unknown', fields: { mac: 'source.mac', via: 'dhcp.via' } },
    {
      re: new RegExp(`^DHCP(?:OFFER|(?<ack>ACK)|(?<nak>NAK)) on (?<dst_ip>[\\d.]{7,15}) to ${MAC}${VIA}`),
      action: 'dhcp-offer',
      outcome: 'success',
      fields: { mac: 'destination.mac', via: 'dhcp.via' },
      when: { ack: { action: 'dhcp-ack' }, nak: { action: 'dhcp-nak', outcome: 'failure' } },
    },
    { re: new RegExp(`^DHCPDISCOVER from ${MAC}${VIA}`), action: 'dhcp-discover', outcome: 'unknown', fields: { mac: 'source.mac', via: 'dhcp.via' } },
    { re: new RegExp(`^DHCPRELEASE of (?<src_ip>[\\d.]{7,15}) from ${MAC}${VIA}`), action: 'dhcp-release', outcome: 'success', fields: { mac: 'source.mac', via: 'dhcp.via' } },
    { re: /^DHCPINFORM from (?<src_ip>[\d.]{7,15}) via (?<via>[^\s:]{1,64})/, action: 'dhcp-inform', outcome: 'unknown', fields: { via: 'dhcp.via' } },
  ],
};

/** xinetd (xlog.c/log.c): `START: ftp pid=1234 from=1.2.3.4`, `FAIL: telnet address from=1.2.3.4`. */
export const XINETD: ProgramTable = {
  name: 'xinetd',
  patterns: [
    { re: /^START: (?<svc>\S{1,64}) (?:pid=\d{1,10} )?from=(?<src_ip>\S{1,64})/, action: 'connect', outcome: 'success', fields: { svc: 'service.name' } },
    { re: /^FAIL: (?<svc>\S{1,64}) (?<why>[\w-]{1,32}) from=(?<src_ip>\S{1,64})/, action: 'connect', outcome: 'failure', fields: { svc: 'service.name', why: 'xinetd.reason' } },
  ],
};

/** Dropbear SSH (svr-authpasswd.c, svr-auth.c): the peer as `ip:port`. */
const PEER = '(?<src_ip>[^\\s\\[\\]<>]{1,64}?|\\[[^\\]]{1,64}\\]):(?<src_port>\\d{1,5})';

export const DROPBEAR: ProgramTable = {
  name: 'dropbear',
  patterns: [
    { re: new RegExp(`^Bad password attempt for '(?<user>[^']{0,256})' from ${PEER}$`), action: 'login', outcome: 'failure', reason: 'incorrect-password', then: unbracket },
    { re: new RegExp(`^(?<method>Password|Pubkey) auth succeeded for '(?<user>[^']{0,256})'(?: with key (?<fp>.{0,256}?))? from ${PEER}$`), action: 'login', outcome: 'success', then: (g, d) => { setAttr(d, 'ssh.method', g.method === 'Pubkey' ? 'publickey' : 'password'); unbracket(g, d); } },
    { re: new RegExp(`^Login attempt for nonexistent user(?: '(?<user>[^']{0,256})')? from ${PEER}$`), action: 'login', outcome: 'failure', reason: 'invalid-user', then: unbracket },
    { re: new RegExp(`^Exit before auth from <${PEER}>: (?<why>.{0,256})$`), action: 'probe', outcome: 'failure', fields: { why: 'ssh.disconnect_reason' }, then: unbracket },
  ],
};

/** `[2001:db8::1]:22` as dropbear writes an IPv6 peer. */
function unbracket(g: Record<string, string | undefined>, d: Draft): void {
  const ip = g.src_ip;
  if (ip !== undefined && ip.startsWith('[')) setAddress(d, 'src', ip.slice(1, -1));
}
