/**
 * Sigma field names (the Sigma taxonomy: Sysmon/Windows names, web proxy and web server W3C
 * names, Linux names) onto logagg field paths (src/core/fields.ts). Config extends or overrides
 * it with `sigmaFieldMap`. A name not listed is read as a logagg path as written, which falls
 * back to `attributes.NAME` (so `CommandLine` reads `attributes.CommandLine`); a listed name
 * whose logagg field is empty in an event is read that way too (`Image`: `process`, else
 * `attributes.Image`). Ambiguous names (`TargetUserName` vs `SubjectUserName`) are left out.
 */
export const DEFAULT_SIGMA_FIELD_MAP: Readonly<Record<string, string>> = Object.freeze({
  // Process creation (Sysmon 1 / Security 4688 names)
  Image: 'process',
  NewProcessName: 'process',
  ProcessName: 'process',
  ProcessId: 'pid',
  CommandLine: 'attributes.CommandLine',
  ParentImage: 'attributes.ParentImage',
  ParentCommandLine: 'attributes.ParentCommandLine',
  Hashes: 'attributes.Hashes',
  // Accounts
  User: 'user',
  UserName: 'user',
  // Hosts
  Computer: 'host',
  ComputerName: 'host',
  Hostname: 'host',
  // Network connection (Sysmon 3, firewall)
  SourceIp: 'src_ip',
  SourcePort: 'src_port',
  DestinationIp: 'dst_ip',
  DestinationPort: 'dst_port',
  DestinationHostname: 'domain',
  src_ip: 'src_ip',
  dst_ip: 'dst_ip',
  src_port: 'src_port',
  dst_port: 'dst_port',
  // DNS
  QueryName: 'domain',
  query: 'domain',
  // Web proxy / web server (W3C extended log names)
  'c-ip': 'src_ip',
  's-ip': 'dst_ip',
  'cs-host': 'domain',
  'r-dns': 'domain',
  'cs-username': 'user',
  // File hashes
  md5: 'file_hash',
  sha1: 'file_hash',
  sha256: 'file_hash',
  // Generic text
  Message: 'message',
});

/** The default map overridden and extended by the configured one. */
export function sigmaFieldMap(configured: Readonly<Record<string, string>> = {}): Readonly<Record<string, string>> {
  return Object.freeze({ ...DEFAULT_SIGMA_FIELD_MAP, ...configured });
}
