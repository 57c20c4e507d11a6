import type { Command } from 'commander';
import { resolveHsSecret } from '../../auth/keys.js';
import { ROLES, type Role } from '../../auth/roles.js';
import { mintToken } from '../../auth/token-signer.js';
import { parseDuration } from '../../config/units.js';
import { LogaggError } from '../../errors.js';
import { processEnv } from '../../config/environment.js';
import { cliContext, list } from '../context.js';

interface TokenFlags {
  role: string[];
  ttl: string;
  hosts?: string;
  sub?: string;
}

/** Longest lifetime a minted token may have: operators should mint again, not mint forever. */
const MAX_TTL_MS = 366 * 86_400_000;

export function registerToken(program: Command): void {
  program
    .command('token')
    .description('mint an HS256 API token from the configured secret (api.auth.secret_file or LOGAGG_API_AUTH_SECRET) and print it')
    .requiredOption('--role <role>', `role: ${ROLES.join(' | ')} (repeat for several)`, (v: string, prev: string[] = []) => [...prev, v])
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 7d', '8h')
    .option('--hosts <patterns>', "host scope: comma-separated names or patterns, e.g. 'web-*,db-1' (default: every host)")
    .option('--sub <name>', 'subject: who the token is for, recorded on alert changes', 'operator')
    .addHelpText(
      'after',
      `
Examples:
  logagg token --role viewer
  logagg token --role analyst --ttl 8h --hosts 'web-*' --sub alice
  curl -H "Authorization: Bearer $(logagg token --role viewer)" http://127.0.0.1:8080/api/v1/logs`,
    )
    .action((flags: TokenFlags, cmd: Command) => {
      // LOGAGG_JWT_SECRET is accepted as another name for the secret (reserved for this use).
      const envSecret = processEnv().jwtSecret;
      const { config } = cliContext(cmd, envSecret ? { 'api.auth.secret': envSecret } : {});
      const auth = config.api.auth;
      if (auth.algorithm !== 'HS256') {
        throw new LogaggError('USAGE', `api.auth.algorithm is ${auth.algorithm}: tokens are issued by your identity provider; logagg token mints HS256 tokens only`);
      }
      const roles = flags.role.map((r) => r.trim().toLowerCase());
      const bad = roles.find((r) => !(ROLES as readonly string[]).includes(r));
      if (bad !== undefined) throw new LogaggError('USAGE', `--role ${bad}: must be one of ${ROLES.join(', ')}`);
      const ttlMs = parseDuration(flags.ttl);
      if (ttlMs === null || ttlMs < 1000 || ttlMs > MAX_TTL_MS) throw new LogaggError('USAGE', `--ttl ${flags.ttl}: give a duration from 1s to 366d, e.g. 8h`);
      const hosts = list(flags.hosts);
      if (hosts !== undefined && hosts.length === 0) throw new LogaggError('USAGE', '--hosts: give at least one host or pattern');
      const sub = (flags.sub ?? 'operator').trim();
      if (sub === '') throw new LogaggError('USAGE', '--sub must not be empty');
      const token = mintToken({
        secret: resolveHsSecret(auth),
        subject: sub,
        roles: roles as Role[],
        ...(hosts ? { hosts: hosts.map((h) => h.toLowerCase()) } : {}),
        ttlMs,
        now: Date.now(),
        issuer: auth.issuer,
        audience: auth.audience,
        rolesClaim: auth.roles_claim,
        hostsClaim: auth.hosts_claim,
      });
      process.stdout.write(token + '\n');
    });
}
