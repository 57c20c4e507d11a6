import type { Draft } from '../../decode/draft.js';
import { normalizeIp, port, setAttr, setVerdict } from './table.js';

/**
 * pfSense / OPNsense `filterlog`: one CSV record per logged packet (pfSense's "Raw filter log
 * format"):
 *
 *   rule,subrule,anchor,tracker,interface,reason,action,direction,ipversion, then
 *   IPv4: tos,ecn,ttl,id,offset,flags,protocol-id,protocol,length,src,dst
 *   IPv6: class,flow-label,hop-limit,protocol,protocol-id,length,src,dst
 *   then for tcp and udp: src-port,dst-port,data-length,…
 *
 * `5,,,1000000103,igb0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,203.0.113.7,192.0.2.1,40123,22,0,S,…`
 * → src/dst address and port, the interface by direction, `event.action` firewall-drop
 * (block, reject) or firewall-accept (pass), `rule.id` = the tracker (the rule's stable id).
 */

/** Fields of the shortest record read (IPv6 header up to dst). */
const MIN_FIELDS = 17;

export function decodeFilterlog(text: string, draft: Draft): boolean {
  // Cheap shape test before splitting: a digit, and `,match,` or another reason early on.
  const c = text.charCodeAt(0);
  if (c < 48 || c > 57 || text.length > 4096) return false;
  const f = text.split(',', 40);
  if (f.length < MIN_FIELDS || !/^\d{1,10}$/.test(f[0]!)) return false;
  const action = f[6]!;
  const direction = f[7]!;
  const version = f[8]!;
  if (!ACTIONS.has(action) || (direction !== 'in' && direction !== 'out') || (version !== '4' && version !== '6')) return false;
  // Where the protocol name, length and addresses sit.
  const [protoAt, lengthAt, srcAt] = version === '4' ? [16, 17, 18] : [12, 14, 15];
  const proto = f[protoAt]!.toLowerCase();
  const src = f[srcAt] ?? '';
  const dst = f[srcAt + 1] ?? '';
  // Both must be addresses: a refusal leaves the draft untouched.
  const srcIp = normalizeIp(src);
  const dstIp = normalizeIp(dst);
  if (srcIp === null || dstIp === null) return false;
  draft.src_ip = srcIp;
  draft.dst_ip = dstIp;
  if (proto === 'tcp' || proto === 'udp') {
    const sp = port(f[srcAt + 2] ?? '');
    const dp = port(f[srcAt + 3] ?? '');
    if (sp !== null) draft.src_port = sp;
    if (dp !== null) draft.dst_port = dp;
  }
  if (/^[a-z][\w-]{0,15}$/.test(proto)) setAttr(draft, 'network.transport', proto);
  const iface = f[4]!;
  if (/^[\w.-]{1,32}$/.test(iface)) {
    setAttr(draft, direction === 'in' ? 'observer.ingress.interface.name' : 'observer.egress.interface.name', iface);
  }
  const length = f[lengthAt]!;
  if (/^\d{1,6}$/.test(length)) setAttr(draft, 'network.bytes', Number(length));
  if (/^\d{1,12}$/.test(f[3]!)) setAttr(draft, 'rule.id', f[3]!);
  setAttr(draft, 'network.direction', direction === 'in' ? 'ingress' : 'egress');
  setVerdict(draft, action === 'pass' ? { action: 'firewall-accept', outcome: 'success' } : { action: 'firewall-drop', outcome: 'failure' });
  return true;
}

const ACTIONS = new Set(['pass', 'block', 'reject']);
