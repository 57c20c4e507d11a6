import type { Draft } from '../../decode/draft.js';
import type { ProgramTable } from './table.js';
import { applyTable, setAddress, setAttr, setTopLevel, setUser, setVerdict } from './table.js';

/** Postfix (smtpd.c, smtpd_sasl_glue.c), Dovecot (login-common, auth) and Exim. */

/** `host[1.2.3.4]` as postfix writes a client (`unknown` when it has no name). */
const CLIENT = '(?<src_host>[^\\s\\[\\]]{1,255})\\[(?<src_ip>[^\\]\\s]{1,64})\\](?::(?<src_port>\\d{1,5}))?';

export const POSTFIX: ProgramTable = {
  name: 'postfix',
  patterns: [
    {
      re: new RegExp(`^warning: ${CLIENT}: SASL (?<mech>[\\w-]{1,32}) authentication failed: (?<why>.{0,256}?)(?:, sasl_username=(?<user>.{0,256}))?$`),
      action: 'mail-auth',
      outcome: 'failure',
      reason: 'incorrect-password',
      fields: { mech: 'postfix.sasl_method', why: 'postfix.sasl_error' },
    },
    {
      re: new RegExp(`^(?<qid>[0-9A-Za-z]{5,20}): client=${CLIENT}(?:, sasl_method=(?<mech>[\\w-]{1,32}), sasl_username=(?<user>[^,]{0,256}))?`),
      action: 'mail-receive',
      outcome: 'success',
      fields: { qid: 'postfix.queue_id', mech: 'postfix.sasl_method' },
      when: { user: { action: 'mail-auth' } },
    },
    {
      re: new RegExp(`^(?<qid>[0-9A-Za-z]{5,20}|NOQUEUE): reject: (?<cmd>[A-Z]{3,10}) from ${CLIENT}: (?<code>\\d{3}) (?<text>.{0,1024}?)(?:; from=<(?<from>[^>]{0,512})>)?(?: to=<(?<to>[^>]{0,512})>)?(?: proto=\\w{1,10})?(?: helo=<[^>]{0,255}>)?$`),
      action: 'mail-reject',
      outcome: 'failure',
      fields: { qid: 'postfix.queue_id', cmd: 'postfix.command', code: 'postfix.status_code', text: 'postfix.reject_reason', from: 'email.from.address', to: 'email.to.address' },
    },
    {
      // smtp/lmtp delivery: `4Bx…: to=<a@b>, relay=mx.example.net[198.51.100.5]:25, delay=…, status=sent (250 …)`
      re: /^(?<qid>[0-9A-Za-z]{5,20}): to=<(?<to>[^>]{0,512})>,(?: orig_to=<[^>]{0,512}>,)? relay=(?<dst_host>[^\s[\],]{1,255})(?:\[(?<dst_ip>[^\]\s]{1,64})\](?::(?<dst_port>\d{1,5}))?)?,[^()]{0,512}? status=(?<status>[a-z]{1,16})/,
      action: 'mail-send',
      outcome: 'unknown',
      outcomeBy: { group: 'status', map: { sent: 'success', delivered: 'success', bounced: 'failure', deferred: 'failure', expired: 'failure', undeliverable: 'failure' } },
      fields: { qid: 'postfix.queue_id', to: 'email.to.address', status: 'postfix.status' },
    },
    {
      // postscreen: `CONNECT from [203.0.113.5]:51234 to [192.0.2.25]:25`, `PREGREET 11 after 0.15 from [203.0.113.5]:51234: EHLO x`, `DNSBL rank 5 for [203.0.113.5]:51234`
      re: /^(?<what>CONNECT|PASS NEW|PASS OLD|DNSBL rank \d{1,3}|PREGREET \d{1,6} after [\d.]{1,12}|HANGUP after [\d.]{1,12}|DISCONNECT|COMMAND PIPELINING|COMMAND TIME LIMIT|NON-SMTP COMMAND|BARE NEWLINE|WHITELISTED|BLACKLISTED|ALLOWLISTED|DENYLISTED)(?: from| for)? \[(?<src_ip>[^\]\s]{1,64})\]:(?<src_port>\d{1,5})(?: to \[(?<dst_ip>[^\]\s]{1,64})\]:(?<dst_port>\d{1,5}))?/,
      action: 'probe',
      outcome: 'failure',
      fields: { what: 'postfix.postscreen' },
      then: (g, d) => {
        const w = g.what!;
        if (w === 'CONNECT') setVerdict(d, { action: 'connect', outcome: 'success' });
        else if (w.startsWith('PASS') || w === 'WHITELISTED' || w === 'ALLOWLISTED') setVerdict(d, { action: 'connect', outcome: 'success' });
        else if (w.startsWith('HANGUP') || w === 'DISCONNECT') setVerdict(d, { action: 'disconnect', outcome: 'unknown' });
      },
    },
    { re: new RegExp(`^connect from ${CLIENT}$`), action: 'connect', outcome: 'success' },
    { re: new RegExp(`^disconnect from ${CLIENT}`), action: 'disconnect', outcome: 'unknown' },
    { re: new RegExp(`^lost connection after (?<cmd>[A-Z-]{3,16}) (?:\\(\\d{1,10} bytes\\) )?from ${CLIENT}`), action: 'disconnect', outcome: 'failure', reason: 'lost-connection', fields: { cmd: 'postfix.command' } },
  ],
};

/**
 * Dovecot login processes: `imap-login: Disconnected (auth failed, 3 attempts in 15 secs):
 * user=<u>, method=PLAIN, rip=1.2.3.4, lip=5.6.7.8, TLS, session=<…>` (2.2), and 2.3's
 * `Disconnected: Connection closed (auth failed, …): user=<…>` / `Login aborted: …`.
 */
const LOGIN_LINE = /^(?<svc>[\w-]{1,32})-login: (?<what>[^:]{1,32}(?::[^:]{1,200}?)?)(?<detail> \([^)]{0,200}\)(?: \([\w_]{0,64}\))?)?: (?<kv>(?:user|method|rip)=.{0,4096})$/;
/** `auth-worker(123): pam(alice,203.0.113.5,<sess>): pam_authenticate() failed: …`, `auth: sql(u,ip): unknown user`. */
const AUTH_LINE = /^auth(?:-worker)?(?:\(\d{1,10}\))?: (?<module>[\w-]{1,32})\((?<user>[^,()]{0,256}),(?<src_ip>[^,()]{1,64})(?:,[^)]{0,128})?\): (?<why>.{0,512})$/;

export function decodeDovecot(text: string, draft: Draft): boolean {
  const m = LOGIN_LINE.exec(text);
  if (m !== null) {
    const g = m.groups!;
    setAttr(draft, 'dovecot.service', g.svc);
    const kv = dovecotPairs(g.kv!);
    const user = kv.get('user');
    if (user !== undefined) setUser(draft, user);
    for (const [k, side] of [['rip', 'src'], ['lip', 'dst']] as const) {
      const v = kv.get(k);
      if (v !== undefined) setAddress(draft, side, v);
    }
    for (const [k, f] of [['rport', 'src_port'], ['lport', 'dst_port']] as const) {
      const v = kv.get(k);
      if (v !== undefined) setTopLevel(draft, f, v);
    }
    const method = kv.get('method');
    if (method !== undefined) setAttr(draft, 'dovecot.method', method);
    const what = g.what! + (g.detail ?? '');
    if (/auth failed/.test(what)) setVerdict(draft, { action: 'mail-auth', outcome: 'failure', reason: 'incorrect-password' });
    else if (g.what === 'Login') setVerdict(draft, { action: 'mail-auth', outcome: 'success' });
    else if (/no auth attempts/.test(what)) setVerdict(draft, { action: 'probe', outcome: 'failure' });
    else setVerdict(draft, { action: 'disconnect', outcome: 'unknown' });
    return true;
  }
  const a = AUTH_LINE.exec(text);
  if (a !== null) {
    const g = a.groups!;
    setUser(draft, g.user!);
    setAddress(draft, 'src', g.src_ip!);
    setAttr(draft, 'dovecot.auth_module', g.module);
    const why = g.why!;
    setAttr(draft, 'dovecot.auth_error', why);
    const reason = /unknown user/i.test(why) ? 'invalid-user' : /mismatch|Authentication failure/i.test(why) ? 'incorrect-password' : undefined;
    setVerdict(draft, { action: 'mail-auth', outcome: 'failure', reason });
    return true;
  }
  return false;
}

/** `user=<a b>, method=PLAIN, rip=…, TLS, session=<…>`: `<…>` may hold `, `. At most 32 pairs. */
function dovecotPairs(s: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < s.length && out.size < 32) {
    const eq = s.indexOf('=', i);
    const comma = s.indexOf(', ', i);
    if (eq < 0) break;
    if (comma >= 0 && comma < eq) {
      i = comma + 2;
      continue;
    }
    const key = s.slice(i, eq);
    let end: number;
    let value: string;
    if (s.charCodeAt(eq + 1) === 60 /* < */) {
      const close = s.indexOf('>', eq + 2);
      end = close < 0 ? s.length : close + 1;
      value = s.slice(eq + 2, close < 0 ? s.length : close);
    } else {
      end = comma < 0 ? s.length : comma;
      value = s.slice(eq + 1, end);
    }
    out.set(key, value);
    const next = s.indexOf(', ', end);
    if (next < 0) break;
    i = next + 2;
  }
  return out;
}

/** Exim (syslog form, or a mainlog line's text after its stamp). */
const EXIM_HEAD = '(?:\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,6})?(?: [+-]\\d{4})? )?(?:\\[\\d{1,10}\\] )?';
const EXIM_HOST = '(?:(?<src_host>[^\\s()\\[\\]]{1,255}) )?(?:\\((?<helo>[^)]{0,255})\\) )?\\[(?<src_ip>[^\\]\\s]{1,64})\\](?::(?<src_port>\\d{1,5}))?';

export const EXIM: ProgramTable = {
  name: 'exim',
  patterns: [
    {
      re: new RegExp(`^${EXIM_HEAD}(?<auth>[\\w-]{1,64}) authenticator failed for ${EXIM_HOST}(?: I=\\[(?<dst_ip>[^\\]\\s]{1,64})\\](?::(?<dst_port>\\d{1,5}))?)?: 535 (?<text>[^(]{0,256}?)(?: \\(set_id=(?<user>.{0,256}?)\\))?$`),
      action: 'mail-auth',
      outcome: 'failure',
      reason: 'incorrect-password',
      fields: { auth: 'exim.authenticator', helo: 'exim.helo' , text: 'exim.error' },
    },
    {
      re: new RegExp(`^${EXIM_HEAD}(?:[\\w-]{16,23} )?H=${EXIM_HOST}(?: I=\\[(?<dst_ip>[^\\]\\s]{1,64})\\](?::(?<dst_port>\\d{1,5}))?)?(?: F=<(?<from>[^>]{0,512})>)? rejected (?<cmd>[A-Z]{3,10})(?: <(?<to>[^>]{0,512})>)?: (?<text>.{0,1024})$`),
      action: 'mail-reject',
      outcome: 'failure',
      fields: { helo: 'exim.helo', from: 'email.from.address', to: 'email.to.address', cmd: 'exim.command', text: 'exim.reject_reason' },
    },
  ],
};

export function decodeExim(text: string, draft: Draft): boolean {
  return applyTable(EXIM, text, draft);
}
