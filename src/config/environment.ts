/**
 * The process environment, read in one place. Config keys come from LOGAGG_* variables through
 * loadConfig (load.ts); the few variables that are not config keys (RESERVED_ENV) and the
 * variables named by a notification channel's `*_env` keys are read here, once, by the entry
 * points, and handed down as values: nothing below config reads process.env.
 */

/** Environment variables by name, as the process has them (unset: undefined). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The variables the CLI reads itself (RESERVED_ENV in load.ts), raw: each command decides what an empty value means. */
export interface CliEnv {
  /** LOGAGG_CONFIG: the config file when --config is not given. */
  readonly configFile: string | undefined;
  /** LOGAGG_URL: the appliance `query` and `tail` ask when neither --url nor --db is given. */
  readonly url: string | undefined;
  /** LOGAGG_TOKEN: the bearer token for LOGAGG_URL when --token is not given. */
  readonly token: string | undefined;
  /** LOGAGG_JWT_SECRET: another name for api.auth.secret, for `logagg token`. */
  readonly jwtSecret: string | undefined;
  /**
   * The whole environment: LOGAGG_* config keys (loadConfig), `*_env` secrets of notification
   * channels, NO_COLOR.
   */
  readonly vars: Env;
}

/** This process's environment. `vars` is process.env itself: a variable set later is seen, as before. */
export function processEnv(): CliEnv {
  return cliEnv(process.env);
}

export function cliEnv(vars: Env): CliEnv {
  return {
    configFile: vars.LOGAGG_CONFIG,
    url: vars.LOGAGG_URL,
    token: vars.LOGAGG_TOKEN,
    jwtSecret: vars.LOGAGG_JWT_SECRET,
    vars,
  };
}
