/**
 * The alias table shared by the key/value formats (JSON, logfmt): which message keys feed which
 * event field. Compiled once at module load into a trie over lower-cased key segments, so a
 * message is mapped in one pass over its keys.
 *
 * An alias with dots matches both the literal key (`"host.name": …`) and the nested path
 * (`"host": {"name": …}`). Keys compare case-insensitively. When several aliases of one field
 * are present, the one listed first wins; the others stay in `attributes`.
 */

export const FIELD_KINDS = {
  ts: 'ts',
  host: 'host',
  level: 'level',
  message: 'text',
  cpu_pct: 'metric',
  mem_used: 'metric',
  mem_total: 'metric',
  mem_pct: 'metric',
  disk_pct: 'metric',
  net_in: 'metric',
  net_out: 'metric',
  process: 'name',
  pid: 'pid',
  user: 'name',
  src_ip: 'ip',
  dst_ip: 'ip',
  src_port: 'port',
  dst_port: 'port',
  domain: 'domain',
  file_hash: 'hash',
  threats: 'threats',
  tags: 'tags',
} as const;

export type AliasField = keyof typeof FIELD_KINDS;

/** `nest(['mem','memory'], ['used'])` → `['mem.used', 'memory.used']`. */
function nest(containers: readonly string[], leaves: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of containers) for (const l of leaves) out.push(`${c}.${l}`);
  return out;
}

const MEM = ['mem', 'memory', 'memory_usage', 'mem_usage'];
const PCT = ['percentage', 'percent', 'pct'];

/** Field → aliases, best first. This table is what docs/formats.md documents. */
export const ALIASES: Readonly<Record<AliasField, readonly string[]>> = {
  ts: ['timestamp', '@timestamp', 'time', 'ts', 'date', 'datetime', 'event_time', 'eventtime'],
  host: ['host', 'hostname', 'host.name', 'host.hostname', 'source_host', 'computer', 'computername', 'computer_name', 'log.syslog.hostname'],
  level: ['level', 'severity', 'loglevel', 'log_level', 'log.level', 'lvl', 'priority', 'log.syslog.severity.code', 'syslog.priority'],
  message: ['message', 'msg', 'log', 'text', '@message', 'short_message'],
  cpu_pct: ['cpu_pct', 'cpu_percent', 'cpu_usage', 'cpu', 'cpu_util', ...nest(['cpu'], ['pct', 'percent', 'usage'])],
  mem_used: ['mem_used', 'memory_used', ...nest(MEM, ['used'])],
  mem_total: ['mem_total', 'memory_total', ...nest(MEM, ['total'])],
  mem_pct: ['mem_pct', 'mem_percent', 'memory_pct', 'memory_percent', 'memory_usage', 'mem_usage', ...nest(MEM, PCT)],
  disk_pct: ['disk_pct', 'disk_percent', 'disk_usage', 'disk', ...nest(['disk', 'disk_usage'], PCT)],
  net_in: ['net_in', 'network_in', 'rx_bytes', 'bytes_in', ...nest(['net', 'network'], ['in', 'rx', 'rx_bytes'])],
  net_out: ['net_out', 'network_out', 'tx_bytes', 'bytes_out', ...nest(['net', 'network'], ['out', 'tx', 'tx_bytes'])],
  // The syslog tag before process.name: Filebeat's journald input fills process.name from
  // _COMM (cut to 15 characters), the tag from SYSLOG_IDENTIFIER.
  process: ['process', 'process_name', 'proc', 'image', 'program', 'log.syslog.appname', 'syslog.identifier', 'process.name', 'process.executable'],
  pid: ['pid', 'process_id', 'processid', 'proc_id', 'process.pid', 'log.syslog.procid', 'syslog.pid'],
  user: ['user', 'username', 'user_name', 'user.name'],
  src_ip: ['src_ip', 'source_ip', 'src', 'client_ip', 'srcip', 'src_addr', 'remote_addr', 'remote_ip', 'source.ip', 'client.ip'],
  dst_ip: ['dst_ip', 'dest_ip', 'dst', 'destination_ip', 'dstip', 'dst_addr', 'destination.ip', 'server.ip'],
  src_port: ['src_port', 'source_port', 'sport', 'srcport', 'client_port', 'source.port', 'client.port'],
  dst_port: ['dst_port', 'dest_port', 'destination_port', 'dport', 'dstport', 'destination.port', 'server.port'],
  domain: ['domain', 'domain_name', 'fqdn', 'url.domain', 'dns.question.name'],
  file_hash: ['file_hash', 'hash', 'sha256', 'sha1', 'md5', ...nest(['file.hash', 'hash'], ['sha256', 'sha1', 'md5'])],
  threats: ['threats', 'threat'],
  tags: ['tags', 'tag'],
};

export interface AliasNode {
  /** The field a scalar value at this key feeds, or null when the key is only a container. */
  field: AliasField | null;
  /** Position in the field's alias list; lower wins. */
  rank: number;
  /** Keys below this one when its value is an object. */
  children: Map<string, AliasNode> | null;
}

function compile(): Map<string, AliasNode> {
  const root = new Map<string, AliasNode>();
  const place = (map: Map<string, AliasNode>, key: string): AliasNode => {
    let node = map.get(key);
    if (node === undefined) {
      node = { field: null, rank: 0, children: null };
      map.set(key, node);
    }
    return node;
  };
  for (const field of Object.keys(ALIASES) as AliasField[]) {
    ALIASES[field].forEach((alias, rank) => {
      const lower = alias.toLowerCase();
      const literal = place(root, lower);
      if (literal.field === null) Object.assign(literal, { field, rank });
      const parts = lower.split('.');
      if (parts.length === 1) return;
      let map = root;
      for (let i = 0; i < parts.length - 1; i++) {
        const node = place(map, parts[i]!);
        node.children ??= new Map();
        map = node.children;
      }
      const leaf = place(map, parts[parts.length - 1]!);
      if (leaf.field === null) Object.assign(leaf, { field, rank });
    });
  }
  return root;
}

/** The compiled trie; root keys are lower-cased first segments or whole literal dotted keys. */
export const ALIAS_TRIE: ReadonlyMap<string, AliasNode> = compile();
