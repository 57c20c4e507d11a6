import type { Draft } from '../../decode/draft.js';
import { applyPamPairs } from './pam.js';
import type { ProgramTable, Verdict } from './table.js';
import { setAttr } from './table.js';

/**
 * OpenSSH's sshd (and sshd-session / sshd-auth since 9.8). Wordings from auth.c (auth_log:
 * `%s %s%s for %s%.100s from %.200s port %d ssh2%s`), auth2.c, sshd.c, packet.c (`Connection
 * closed by %s`, `Disconnected from %s`), sshd-session.c; the old forms (`Illegal user`, no
 * `port`, `Received disconnect from IP: 11: …`) as Loghub's OpenSSH sample shows them.
 */

/** A user name as sshd logs it: anything up to the next keyword (names may hold spaces). */
const U = '(?<user>.{0,256}?)';
/** An address or, with UseDNS, a host name. */
const IP = '(?<src_ip>[^\\s\\[\\]]{1,255})';
const PORT = '(?: port (?<src_port>\\d{1,5}))';
const PREAUTH = '(?<preauth> \\[preauth\\])?';
/** `authenticating user root ` / `invalid user x ` / `user root ` before the address. */
const WHO = `(?:(?:(?<stage>authenticating|invalid) )?user ${U} )?`;

const probe: Verdict = { action: 'probe' };

const setMethod = (g: Record<string, string | undefined>, d: Draft): void => {
  // `keyboard-interactive/pam` → keyboard-interactive: the method, not the device.
  if (g.method !== undefined) setAttr(d, 'ssh.method', g.method.split('/')[0]);
};

export const SSHD: ProgramTable = {
  name: 'sshd',
  patterns: [
    {
      re: new RegExp(
        `^(?<verdict>Failed|Accepted|Postponed|Partial) (?<method>[\\w/-]{1,40}) for (?<invalid>(?:invalid|illegal) user )?${U} from ${IP}${PORT}?(?: ssh\\d?)?(?:: (?<keytype>[\\w@.-]{1,48}) (?<fp>[\\w:+/=.-]{1,128}))?`,
      ),
      action: 'login',
      outcome: 'unknown',
      outcomeBy: { group: 'verdict', map: { Failed: 'failure', Accepted: 'success' } },
      when: { invalid: { reason: 'invalid-user' } },
      fields: { keytype: 'ssh.key_type' },
      then: setMethod,
    },
    { re: new RegExp(`^(?:Invalid|Illegal) user ${U} from ${IP}${PORT}?${PREAUTH}$`), action: 'login', outcome: 'failure', reason: 'invalid-user' },
    { re: new RegExp(`^input_userauth_request: (?:invalid|illegal) user ${U}${PREAUTH}$`), action: 'login', outcome: 'failure', reason: 'invalid-user' },
    {
      re: new RegExp(`^error: maximum authentication attempts exceeded for (?<invalid>invalid user )?${U} from ${IP}${PORT}?`),
      action: 'login',
      outcome: 'failure',
      reason: 'max-auth-attempts',
    },
    {
      re: new RegExp(`^Disconnecting ${WHO}${IP}${PORT}: Too many authentication failures`),
      action: 'login',
      outcome: 'failure',
      reason: 'max-auth-attempts',
    },
    {
      re: new RegExp(`^Disconnecting: Too many authentication failures(?: for (?:(?:invalid|illegal) user )?${U})?${PREAUTH}$`),
      action: 'login',
      outcome: 'failure',
      reason: 'max-auth-attempts',
    },
    {
      re: new RegExp(`^(?:error: )?PAM: Authentication failure for (?<invalid>(?:illegal|invalid) user )?${U} from ${IP}$`),
      action: 'login',
      outcome: 'failure',
      reason: 'incorrect-password',
      when: { invalid: { reason: 'invalid-user' } },
    },
    {
      re: /^PAM \d{1,4} more authentication failures?; (?<tail>.{0,2048})/,
      action: 'login',
      outcome: 'failure',
      reason: 'incorrect-password',
      then: (g, d) => applyPamPairs(g.tail ?? '', d),
    },
    { re: /^PAM service\([^)]{0,64}\) ignoring max retries;/, action: 'login', outcome: 'failure', reason: 'max-auth-attempts' },
    { re: new RegExp(`^ROOT LOGIN REFUSED FROM ${IP}${PORT}?`), action: 'login', outcome: 'failure', reason: 'root-refused', then: (_g, d) => (d.user = 'root') },
    {
      re: new RegExp(`^User ${U} from ${IP} not allowed because (?<why>.{1,200})$`),
      action: 'login',
      outcome: 'failure',
      reason: 'not-allowed',
      fields: { why: 'ssh.not_allowed' },
    },
    { re: new RegExp(`^User ${U} not allowed because (?<why>.{1,200})$`), action: 'login', outcome: 'failure', reason: 'not-allowed', fields: { why: 'ssh.not_allowed' } },
    { re: new RegExp(`^Did not receive identification string from ${IP}${PORT}?`), action: 'probe', outcome: 'failure', reason: 'no-identification' },
    {
      re: new RegExp(`^Connection (?<how>closed|reset) by ${WHO}${IP}${PORT}?${PREAUTH}$`),
      action: 'disconnect',
      outcome: 'unknown',
      when: { stage: probe, preauth: probe },
    },
    {
      re: new RegExp(`^Disconnected from ${WHO}${IP}${PORT}?${PREAUTH}$`),
      action: 'disconnect',
      outcome: 'unknown',
      when: { user: { action: 'logout', outcome: 'success' }, stage: { ...probe, outcome: 'failure' }, preauth: probe },
    },
    {
      // `Received disconnect from 203.0.113.5 port 40022:11: Bye Bye [preauth]`; old: `from IP: 11: …`.
      re: new RegExp(`^(?:error: )?Received disconnect from ${WHO}(?<src_ip>[^\\s\\[\\]]{1,255}?)${PORT}?: ?(?<code>\\d{1,3}): (?<text>.{0,512}?)${PREAUTH}$`),
      action: 'disconnect',
      outcome: 'unknown',
      fields: { text: 'ssh.disconnect_reason' },
      when: { preauth: probe },
    },
    {
      re: /^reverse mapping checking getaddrinfo for (?<src_host>[^\s[\]]{1,255}) \[(?<src_ip>[^\]\s]{1,64})\] failed/,
      action: 'probe',
      outcome: 'unknown',
      reason: 'reverse-mapping',
    },
    {
      re: /^Address (?<src_ip>[^\s[\]]{1,64}) maps to (?<src_host>[^\s,]{1,255}), but this does not map back to the address/,
      action: 'probe',
      outcome: 'unknown',
      reason: 'reverse-mapping',
    },
    {
      re: /^(?:error: )?(?:kex_exchange_identification|banner exchange): (?:Connection from (?<src_ip>[^\s[\]]{1,255}) port (?<src_port>\d{1,5}): )?(?<text>.{0,256})/,
      action: 'probe',
      outcome: 'failure',
      reason: 'bad-banner',
      fields: { text: 'ssh.disconnect_reason' },
    },
    {
      re: new RegExp(`^Unable to negotiate with ${WHO}${IP}${PORT}?: (?<text>.{0,256})`),
      action: 'probe',
      outcome: 'failure',
      reason: 'no-matching-algorithm',
      fields: { text: 'ssh.disconnect_reason' },
    },
    {
      re: new RegExp(`^Bad protocol version identification '(?<text>.{0,256}?)'(?: from ${IP})?${PORT}?$`),
      action: 'probe',
      outcome: 'failure',
      reason: 'bad-protocol',
      fields: { text: 'ssh.client_banner' },
    },
    {
      // OpenSSH 9.8+: `Timeout before authentication for connection from IP to IP, pid = N`.
      re: new RegExp(`^(?:fatal: )?Timeout before authentication for (?:connection from )?${IP}(?:${PORT}| to (?<dst_ip>[^\\s,]{1,64}))?`),
      action: 'probe',
      outcome: 'failure',
      reason: 'timeout',
    },
    {
      re: new RegExp(`^(?:fatal: |error: )?ssh_dispatch_run_fatal: Connection from ${WHO}${IP}${PORT}?: (?<text>.{0,256}?)${PREAUTH}$`),
      action: 'probe',
      outcome: 'failure',
      fields: { text: 'ssh.disconnect_reason' },
    },
    {
      // OpenSSH 9.8+ listener: `drop connection #3 from [IP]:PORT on [IP]:22 penalty: failed authentication` / `past MaxStartups`.
      re: /^drop connection #\d{1,10} from \[(?<src_ip>[^\]]{1,64})\]:(?<src_port>\d{1,5}) on \[(?<dst_ip>[^\]]{1,64})\]:(?<dst_port>\d{1,5}) (?<text>.{0,256})/,
      action: 'probe',
      outcome: 'failure',
      reason: 'penalty',
      fields: { text: 'ssh.disconnect_reason' },
    },
    {
      re: /^srclimit_penalise: ipv[46]: (?:new )?(?<src_ip>[^/\s]{1,64})\/\d{1,3} (?<text>.{0,256})/,
      action: 'probe',
      outcome: 'failure',
      reason: 'penalty',
      fields: { text: 'ssh.disconnect_reason' },
    },
    {
      re: new RegExp(`^Connection from ${IP}${PORT} on (?<dst_ip>[^\\s\\[\\]]{1,64}) port (?<dst_port>\\d{1,5})`),
      action: 'connect',
      outcome: 'unknown',
    },
    {
      re: new RegExp(`^Starting session: (?<kind>[\\w ]{1,32}?) (?:on (?<tty>\\S{1,64}) )?for ${U} from ${IP}${PORT}?`),
      action: 'session-open',
      outcome: 'success',
    },
    { re: new RegExp(`^Close session: user ${U} from ${IP}${PORT}?`), action: 'session-close', outcome: 'success' },
  ],
};
