import type { Draft } from '../../decode/draft.js';
import type { ProgramTable } from './table.js';
import { setAttr, setUser, setVerdict } from './table.js';

/**
 * sudo (plugins/sudoers/logging.c: `user : [reason ; ]TTY=… ; PWD=… ; USER=… ; [GROUP=… ;]
 * [ENV=… ;] COMMAND=…`), su (shadow-utils' su.c and util-linux's su-common.c) and doas
 * (OpenBSD doas.c: `%s ran command %s as %s from %s`, `failed auth for %s`).
 */

/** The words sudo puts before TTY= when it refused, and what they mean. */
const SUDO_REASONS: readonly [RegExp, string][] = [
  [/^\d{1,4} incorrect password attempts?$/, 'incorrect-password'],
  [/^user NOT in sudoers$/, 'not-in-sudoers'],
  [/^user NOT authorized on host$/, 'not-allowed'],
  [/^command not allowed$/, 'command-not-allowed'],
  [/^a password is required$/, 'password-required'],
  [/^(?:pam_)?authentication failure$|^PAM authentication error/, 'incorrect-password'],
  [/^no tty present/, 'no-tty'],
];

/**
 * `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id`. COMMAND runs to the
 * end (a command line may hold ` ; `). Hand-scanned: the line is a list, not a shape.
 */
export function decodeSudo(text: string, draft: Draft): boolean {
  let i = 0;
  while (i < 16 && text.charCodeAt(i) === 32) i++;
  const sep = text.indexOf(' : ', i);
  if (sep <= i || sep - i > 256) return false;
  const rest = text.slice(sep + 3);
  const cmdAt = rest.startsWith('COMMAND=') ? 0 : rest.indexOf(' ; COMMAND=');
  const head = cmdAt < 0 ? rest : rest.slice(0, cmdAt);
  const parts = head.split(' ; ');
  let known = false;
  let reason: string | null = null;
  let words = 0;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (key !== '' && /^[A-Z]{2,8}$/.test(key)) {
      known = true;
      const value = part.slice(eq + 1).trim();
      if (key === 'TTY') setAttr(draft, 'process.tty', value);
      else if (key === 'PWD') setAttr(draft, 'process.working_directory', value);
      else if (key === 'USER') setAttr(draft, 'user.target.name', value);
      else if (key === 'GROUP') setAttr(draft, 'group.target.name', value);
      else if (key === 'ENV') setAttr(draft, 'sudo.env', value);
    } else if (part.length > 0 && !known) {
      // Words before the first KEY= are sudo's refusal; after it, a cut-off line's remains.
      words++;
      for (const [re, r] of SUDO_REASONS) if (re.test(part.trim())) reason = r;
    }
  }
  if (cmdAt >= 0) {
    known = true;
    setAttr(draft, 'process.command_line', rest.slice(cmdAt === 0 ? 8 : cmdAt + 11));
  }
  if (!known) return false;
  setUser(draft, text.slice(i, sep));
  const failed = reason !== null || words > 0;
  setVerdict(draft, { action: 'sudo', outcome: failed ? 'failure' : 'success', reason: reason ?? undefined });
  return true;
}

export const SU: ProgramTable = {
  name: 'su',
  patterns: [
    // shadow-utils: `(to root) alice on pts/0`; util-linux: `FAILED SU (to root) alice on pts/0`.
    { re: /^(?<failed>FAILED SU )?\(to (?<target>[^)\s]{1,256})\) (?<user>.{1,256}?) on (?<tty>\S{1,64})$/, action: 'su', outcome: 'success', when: { failed: { outcome: 'failure', reason: 'incorrect-password' } } },
    { re: /^FAILED su for (?<target>\S{1,256}) by (?<user>.{1,256})$/, action: 'su', outcome: 'failure', reason: 'incorrect-password' },
    { re: /^Successful su for (?<target>\S{1,256}) by (?<user>.{1,256})$/, action: 'su', outcome: 'success' },
    // sulog-style: `+ pts/0 alice:root` (success), `- pts/0 alice:root` (failure).
    {
      re: /^(?<sign>[+-]) (?<tty>\S{1,64}) (?<user>[^\s:]{1,256}):(?<target>\S{1,256})$/,
      action: 'su',
      outcome: 'success',
      then: (g, d) => {
        if (g.sign === '-') setVerdict(d, { outcome: 'failure', reason: 'incorrect-password' });
      },
    },
    { re: /^pam_authenticate: Authentication failure/, action: 'su', outcome: 'failure', reason: 'incorrect-password' },
  ],
};

export const DOAS: ProgramTable = {
  name: 'doas',
  patterns: [
    { re: /^(?<user>\S{1,256}) ran command (?<cmd>.{0,8192}?) as (?<target>\S{1,256}) from (?<pwd>.{0,4096})$/, action: 'sudo', outcome: 'success' },
    { re: /^failed auth for (?<user>.{1,256})$/, action: 'sudo', outcome: 'failure', reason: 'incorrect-password' },
    { re: /^command not permitted for (?<user>[^:\s]{1,256}): (?<cmd>.{0,8192})$/, action: 'sudo', outcome: 'failure', reason: 'command-not-allowed' },
  ],
};
