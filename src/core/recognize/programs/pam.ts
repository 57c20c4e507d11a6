import type { Draft } from '../../decode/draft.js';
import type { Groups, ProgramTable } from './table.js';
import { applyTable, scanBlankPairs, setAddress, setAttr, setUser, setVerdict } from './table.js';

/**
 * PAM modules' messages (Linux-PAM's pam_unix/support.c, pam_faillock, pam_sss, …). They appear
 * under whatever program loaded the module, with a `pam_unix(sshd:auth): ` prefix naming module,
 * service and type, or (old Red Hat syslog) under a `sshd(pam_unix)` program tag.
 */

/** The service (the program that called PAM) decides what an authentication failure was. */
function authAction(service: string | undefined): string {
  if (service === 'sudo' || service === 'sudo-i') return 'sudo';
  if (service === 'su' || service === 'su-l') return 'su';
  return 'login';
}

/**
 * `logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=203.0.113.5  user=root`
 * (pam_unix's _unix_blankpasswd/_unix_verify_password: `user=` only when the name is known).
 */
export function applyPamPairs(tail: string, draft: Draft): void {
  const kv = scanBlankPairs(tail);
  const user = kv.get('user');
  if (user !== undefined) setUser(draft, user);
  const rhost = kv.get('rhost');
  if (rhost !== undefined && rhost.length > 0) setAddress(draft, 'src', rhost);
  const tty = kv.get('tty');
  if (tty !== undefined && tty.length > 0) setAttr(draft, 'process.tty', tty);
  const uid = kv.get('uid');
  if (uid !== undefined && uid.length > 0) setAttr(draft, 'user.id', uid);
  const euid = kv.get('euid');
  if (euid !== undefined && euid.length > 0) setAttr(draft, 'user.effective.id', euid);
  const logname = kv.get('logname');
  if (logname !== undefined && logname.length > 0) setAttr(draft, 'pam.logname', logname);
  const ruser = kv.get('ruser');
  if (ruser !== undefined && ruser.length > 0) setAttr(draft, 'pam.ruser', ruser);
}

const authFailure = (g: Groups, draft: Draft): void => applyPamPairs(g.tail ?? '', draft);

/** Reads the message with the PAM table; a `login` verdict becomes `sudo`/`su` for those services. */
function applyPam(service: string, text: string, draft: Draft): void {
  if (!applyTable(PAM, text, draft)) return;
  const action = authAction(service);
  if (action === 'login') return;
  const event = draft.attributes.event as Record<string, unknown> | undefined;
  if (event?.action !== 'login') return;
  setVerdict(draft, { action });
  // su authenticates the target account (user=); the one who ran it is ruser, as in the su table.
  // (sudo authenticates the invoker: user= is already who ran it.)
  const pam = draft.attributes.pam as Record<string, unknown>;
  const invoker = pam.ruser ?? pam.logname;
  if (action === 'su' && typeof invoker === 'string' && draft.user !== null) {
    setAttr(draft, 'user.target.name', draft.user);
    draft.user = invoker;
  }
}

const USER = '(?<user>[^\\s()]{1,256}?)';

export const PAM: ProgramTable = {
  name: 'pam',
  patterns: [
    {
      re: /^authentication failure; (?<tail>.{0,2048})/,
      action: 'login',
      outcome: 'failure',
      reason: 'incorrect-password',
      then: authFailure,
    },
    { re: /^check pass; user unknown/, action: 'login', outcome: 'failure', reason: 'invalid-user' },
    {
      // `session opened for user root(uid=0) by alice(uid=1000)`; older: `… for user root by (uid=0)`, `by LOGIN(uid=0)`.
      re: new RegExp(`^session opened for user ${USER}(?:\\(uid=(?<uid>\\d{1,10})\\))? by (?<by>[^\\s()]{0,256})(?:\\(uid=\\d{1,10}\\))?\\s{0,4}$`),
      action: 'session-open',
      outcome: 'success',
      fields: { by: 'pam.by' },
    },
    { re: new RegExp(`^session closed for user ${USER}\\s{0,4}$`), action: 'session-close', outcome: 'success' },
    { re: new RegExp(`^password changed for ${USER}\\s{0,4}$`), action: 'password-change', outcome: 'success' },
    { re: /^auth could not identify password for \[(?<user>[^\]]{0,256})\]/, action: 'login', outcome: 'failure', reason: 'invalid-user' },
    // pam_faillock / pam_tally2
    { re: new RegExp(`^Consecutive login failures for user ${USER} account temporarily locked`), action: 'login', outcome: 'failure', reason: 'account-locked' },
    { re: new RegExp(`^user ${USER} \\(\\d{1,10}\\) tally \\d{1,10}, deny \\d{1,10}`), action: 'login', outcome: 'failure', reason: 'account-locked' },
    // pam_sss: `received for user alice: 7 (Authentication failure)`
    {
      re: new RegExp(`^received for user ${USER}: (?<code>\\d{1,3}) \\((?<why>[^)]{0,128})\\)`),
      action: 'login',
      outcome: 'failure',
      fields: { why: 'pam.error' },
      then: (g, d) => {
        if (g.code === '0') setVerdict(d, { outcome: 'success' });
        else if (g.code === '10' || g.code === '13') setVerdict(d, { reason: 'invalid-user' });
        else if (g.code === '7') setVerdict(d, { reason: 'incorrect-password' });
      },
    },
    // pam_succeed_if: `requirement "uid >= 1000" not met by user "root"`
    { re: /^requirement "[^"]{0,256}" not met by user "(?<user>[^"]{0,256})"/, action: 'login', outcome: 'failure', reason: 'not-allowed' },
  ],
};

/** `pam_unix(sshd:auth): rest` → module, service, type and where `rest` starts; null otherwise. */
const PREFIX = /^(?<module>pam_[\w-]{1,32})\((?<service>[^:()\s]{1,64}):(?<type>[a-z]{1,16})\): /;

export function decodePamPrefixed(text: string, draft: Draft): boolean {
  const m = PREFIX.exec(text);
  if (m === null) return false;
  const g = m.groups!;
  setAttr(draft, 'pam.module', g.module);
  setAttr(draft, 'pam.service', g.service);
  setAttr(draft, 'pam.type', g.type);
  applyPam(g.service!, text.slice(m[0].length), draft);
  return true;
}

/** Old Red Hat `sshd(pam_unix)` tags: the service outside, the module inside the parentheses. */
export function decodePamTagged(service: string, module: string, text: string, draft: Draft): boolean {
  setAttr(draft, 'pam.module', module);
  setAttr(draft, 'pam.service', service);
  applyPam(service, text, draft);
  return true;
}
