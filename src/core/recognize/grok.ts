/**
 * A small grok compiler: `%{IP:src_ip} %{USER:user}` to a JavaScript RegExp source whose named
 * groups carry the field names. No npm grok library is well kept, and the subset operators use
 * is small, so the pattern library below is written for JavaScript's regex dialect (Logstash's
 * patterns are Oniguruma; these follow their shapes, simplified where Oniguruma-only syntax was
 * used). Pure; compiled once when the config is loaded.
 *
 * Syntax: `%{NAME}` (a library or operator pattern, not captured), `%{NAME:field}` (captured as
 * `field`, a top-level event field or a dotted attribute path), `%{NAME:field:int}` /
 * `:float` / `:string` (converted). Everything else is regular expression text, including
 * `(?<field>…)` groups, which regex.ts turns into captures the same way.
 */

/** The built-in library, in grok syntax (patterns may use each other). */
export const GROK_LIBRARY: Readonly<Record<string, string>> = {
  USERNAME: '[a-zA-Z0-9._-]+',
  USER: '%{USERNAME}',
  EMAILLOCALPART: '[a-zA-Z0-9!#$%&\'*+\\-/=?^_`{|}~]{1,64}(?:\\.[a-zA-Z0-9!#$%&\'*+\\-/=?^_`{|}~]{1,62}){0,63}',
  EMAILADDRESS: '%{EMAILLOCALPART}@%{HOSTNAME}',
  INT: '[+-]?[0-9]+',
  POSINT: '\\b[1-9][0-9]*\\b',
  NONNEGINT: '\\b[0-9]+\\b',
  NUMBER: '[+-]?(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?',
  BASE16NUM: '(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?[0-9A-Fa-f]+)',
  WORD: '\\b\\w+\\b',
  NOTSPACE: '\\S+',
  SPACE: '\\s*',
  DATA: '.*?',
  GREEDYDATA: '.*',
  QUOTEDSTRING: '"(?:[^"\\\\]|\\\\.)*"|\'(?:[^\'\\\\]|\\\\.)*\'|`(?:[^`\\\\]|\\\\.)*`',
  QS: '%{QUOTEDSTRING}',
  UUID: '[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}',
  MAC: '(?:[A-Fa-f0-9]{2}[:-]){5}[A-Fa-f0-9]{2}|(?:[A-Fa-f0-9]{4}\\.){2}[A-Fa-f0-9]{4}',
  IPV4: '(?<![0-9])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![0-9])',
  // Permissive (two or more colons, hex groups, an IPv4 tail); a value set into src_ip/dst_ip
  // is checked by the field mapper, so a non-address never lands there.
  IPV6: '(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:%{IPV4}|[0-9A-Fa-f]{1,4})?(?![0-9A-Fa-f:])',
  IP: '%{IPV6}|%{IPV4}',
  HOSTNAME: '\\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\\.[0-9A-Za-z][0-9A-Za-z-]{0,62})*\\.?',
  IPORHOST: '%{IP}|%{HOSTNAME}',
  HOSTPORT: '%{IPORHOST}:%{POSINT}',
  UNIXPATH: '(?:/[\\w%!$@:.,+~-]*)+',
  WINPATH: '(?:[A-Za-z]+:|\\\\)(?:\\\\[^\\\\?*]*)+',
  PATH: '%{UNIXPATH}|%{WINPATH}',
  URIPATH: "(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\\-]*)+",
  URIPARAM: "\\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\\-\\[\\]<>]*",
  URIPATHPARAM: '%{URIPATH}(?:%{URIPARAM})?',
  MONTH: '\\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b',
  MONTHNUM: '(?:0?[1-9]|1[0-2])',
  MONTHDAY: '(?:0[1-9]|[12][0-9]|3[01]|[1-9])',
  DAY: '\\b(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)\\b',
  YEAR: '(?:\\d\\d){1,2}',
  HOUR: '(?:2[0123]|[01]?[0-9])',
  MINUTE: '(?:[0-5][0-9])',
  SECOND: '(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)',
  TIME: '%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9])',
  ISO8601_TIMEZONE: '(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))',
  TIMESTAMP_ISO8601: '%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?',
  SYSLOGTIMESTAMP: '%{MONTH} +%{MONTHDAY} %{TIME}',
  HTTPDATE: '%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}',
  LOGLEVEL:
    '\\b(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo(?:rmation)?|INFO(?:RMATION)?|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|[Ee]merg(?:ency)?|EMERG(?:ENCY)?)\\b',
  PROG: '[\\x21-\\x5a\\x5c\\x5e-\\x7e]+',
  SYSLOGPROG: '%{PROG:process}(?:\\[%{POSINT:pid}\\])?',
  SYSLOGHOST: '%{IPORHOST}',
};

export type GrokResult = { ok: true; source: string } | { ok: false; error: string };

/** Grok names: upper-case letters, digits and `_`, as in Logstash. */
export const GROK_NAME = /^[A-Z][A-Z0-9_]*$/;

/** `%{NAME}`, `%{NAME:field}`, `%{NAME:field:type}`. */
const REFERENCE = /%\{([^}:]*)(?::([^}:]*))?(?::([^}]*))?\}/g;

/** Guards against a pattern that refers to itself through others. */
const MAX_DEPTH = 24;

/**
 * Expands every `%{…}` of `pattern` into regular expression text. A captured reference becomes
 * `(?<field:type>…)` (the named-group form regex.ts reads, dots and type allowed); an uncaptured
 * one `(?:…)`. `custom` are the operator's patterns, which may replace library ones.
 */
export function expandGrok(pattern: string, custom: Readonly<Record<string, string>> = {}): GrokResult {
  try {
    return { ok: true, source: expand(pattern, custom, []) };
  } catch (e) {
    if (e instanceof GrokError) return { ok: false, error: e.message };
    throw e;
  }
}

class GrokError extends Error {}

function expand(pattern: string, custom: Readonly<Record<string, string>>, stack: string[]): string {
  if (stack.length > MAX_DEPTH) throw new GrokError(`patterns nest deeper than ${MAX_DEPTH} levels (${stack.join(' > ')})`);
  return pattern.replace(REFERENCE, (_all, name: string, field: string | undefined, type: string | undefined) => {
    if (!GROK_NAME.test(name)) throw new GrokError(`%{${name}…}: a pattern name is upper-case letters, digits and _ (e.g. %{IP:src_ip})`);
    if (stack.includes(name)) throw new GrokError(`pattern ${name} refers to itself (${[...stack, name].join(' > ')})`);
    const body = Object.prototype.hasOwnProperty.call(custom, name) ? custom[name] : Object.prototype.hasOwnProperty.call(GROK_LIBRARY, name) ? GROK_LIBRARY[name] : undefined;
    if (body === undefined) throw new GrokError(`unknown pattern %{${name}}; define it under extract.patterns or use one of the built-in ones (docs/recognized-logs.md)`);
    const inner = expand(body, custom, [...stack, name]);
    if (field === undefined || field === '') return `(?:${inner})`;
    return `(?<${field}${type === undefined ? '' : `:${type}`}>${inner})`;
  });
}
