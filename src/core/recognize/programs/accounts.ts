import type { ProgramTable } from './table.js';

/**
 * shadow-utils (useradd.c, userdel.c, usermod.c, groupadd.c, groupdel.c, groupmod.c, passwd.c,
 * chpasswd.c, chage.c): one table for all of them, since their wordings do not collide and
 * distributions log some of them under each other's names.
 */

const Q = "'(?<user>[^']{1,256})'";
const G = "'(?<group>[^']{1,256})'";

export const ACCOUNTS: ProgramTable = {
  name: 'shadow',
  patterns: [
    {
      // `new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0`
      re: /^new user: name=(?<user>[^,]{1,256}), UID=(?<uid>\d{1,10}), GID=(?<gid>\d{1,10}), home=(?<home>[^,]{0,4096}), shell=(?<shell>[^,]{0,4096})(?:, from=(?<from>.{0,256}))?$/,
      action: 'user-add',
      outcome: 'success',
      fields: { home: 'user.home', shell: 'user.shell', from: 'process.tty' },
    },
    { re: /^new group: name=(?<group>[^,]{1,256}), GID=(?<gid>\d{1,10})/, action: 'group-add', outcome: 'success' },
    { re: /^group added to \/etc\/(?:group|gshadow): name=(?<group>[^,]{1,256})(?:, GID=(?<gid>\d{1,10}))?/, action: 'group-add', outcome: 'success' },
    { re: new RegExp(`^add ${Q} to (?:shadow )?group ${G}`), action: 'group-modify', outcome: 'success', reason: 'member-added' },
    { re: new RegExp(`^delete ${Q} from (?:shadow )?group ${G}`), action: 'group-modify', outcome: 'success', reason: 'member-removed' },
    { re: new RegExp(`^failed adding user ${Q}`), action: 'user-add', outcome: 'failure' },
    { re: new RegExp(`^delete user ${Q}`), action: 'user-delete', outcome: 'success' },
    { re: new RegExp(`^removed (?:shadow )?group ${G} owned by ${Q}`), action: 'group-delete', outcome: 'success' },
    { re: new RegExp(`^group ${G} removed`), action: 'group-delete', outcome: 'success' },
    { re: /^group changed in \/etc\/(?:group|gshadow|passwd) \((?<detail>[^)]{0,512})\)/, action: 'group-modify', outcome: 'success', fields: { detail: 'group.change' } },
    { re: new RegExp(`^change user ${Q} password`), action: 'password-change', outcome: 'success' },
    { re: new RegExp(`^(?<verb>lock|unlock) user ${Q} password`), action: 'user-modify', outcome: 'success', fields: { verb: 'user.change' } },
    { re: new RegExp(`^change user name ${Q} to '(?<to>[^']{1,256})'`), action: 'user-modify', outcome: 'success', fields: { to: 'user.changes.name' } },
    { re: new RegExp(`^change user ${Q} (?<what>[\\w ]{1,32}?) from '(?<old>[^']{0,4096})' to '(?<new>[^']{0,4096})'`), action: 'user-modify', outcome: 'success', fields: { what: 'user.change', old: 'user.change_from', new: 'user.change_to' } },
    // passwd.c: `password for 'bob' changed by 'root'`; older and pam: `password changed for bob`.
    { re: new RegExp(`^password for ${Q} changed by '(?<by>[^']{0,256})'`), action: 'password-change', outcome: 'success', fields: { by: 'user.changes.by' } },
    { re: /^password changed for (?<user>\S{1,256})$/, action: 'password-change', outcome: 'success' },
    { re: /^changed password expiry for (?<user>\S{1,256})$/, action: 'user-modify', outcome: 'success', reason: 'password-expiry' },
  ],
};

/** systemd-logind (src/login/logind-session.c). */
export const LOGIND: ProgramTable = {
  name: 'systemd-logind',
  patterns: [
    { re: /^New session (?<session>[\w-]{1,64}) of user (?<user>.{1,256}?)\.$/, action: 'session-open', outcome: 'success', fields: { session: 'session.id' } },
    // systemd 256+: `New session '12' of user 'alice' with class 'user' and type 'tty'.`
    {
      re: /^New session '(?<session>[\w-]{1,64})' of user '(?<user>[^']{1,256})' with class '(?<cls>[\w-]{0,32})' and type '(?<type>[\w-]{0,32})'/,
      action: 'session-open',
      outcome: 'success',
      fields: { session: 'session.id', cls: 'session.class', type: 'session.type' },
    },
    { re: /^Session (?<session>[\w-]{1,64}) logged out\./, action: 'logout', outcome: 'success', fields: { session: 'session.id' } },
    { re: /^Removed session (?<session>[\w-]{1,64})\.$/, action: 'session-close', outcome: 'success', fields: { session: 'session.id' } },
  ],
};

/** cron (Vixie/Debian cron, cronie): `(root) CMD (command)`. */
export const CRON: ProgramTable = {
  name: 'cron',
  patterns: [
    { re: /^\((?<user>[^)\s]{1,256})\) CMD \((?<cmd>.{0,8192})\)$/, action: 'cron-run', outcome: 'success' },
    { re: /^\((?<user>[^)\s]{1,256})\) CMDEND \((?<cmd>.{0,8192})\)$/, action: 'cron-run', outcome: 'success', reason: 'ended' },
    { re: /^\((?<user>[^)\s]{1,256})\) (?:ORPHAN|BAD FILE MODE|WRONG FILE OWNER|ERROR) /, action: 'cron-run', outcome: 'failure' },
  ],
};
