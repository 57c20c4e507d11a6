import type { Draft } from '../../decode/draft.js';
import { setAddress, setAttr, setVerdict, port } from './table.js';

/**
 * Kernel netfilter log lines (nf_log_syslog.c; iptables/ip6tables LOG, ufw, nftables `log`,
 * firewalld): `[ 1234.567890] PREFIX IN=eth0 OUT= MAC=… SRC=… DST=… … PROTO=TCP SPT=… DPT=…`.
 * The prefix is whatever the rule set; its words say drop or accept.
 */

/** How far into the message `IN=` may start (uptime stamp plus a log prefix of ≤ 64). */
const PREFIX_MAX = 160;

/** The offset of the ` IN=` token when `text` is a netfilter line, else -1. */
export function netfilterStart(text: string): number {
  let at = text.startsWith('IN=') ? 0 : -1;
  if (at < 0) {
    // Backwards from PREFIX_MAX: every message of an unknown program is looked at, so the
    // search must not run over the whole of a long one.
    let k = text.lastIndexOf(' IN=', PREFIX_MAX);
    // UniFi glues its rule name to it: `[FW-A-LAN_LOCAL_U-2013]IN=br96 OUT= …`.
    if (k < 0) k = text.lastIndexOf(']IN=', PREFIX_MAX);
    if (k < 0) return -1;
    at = k + 1;
  }
  // OUT= follows IN=<interface name> (at most 15 characters on Linux).
  return text.slice(at, at + 48).indexOf(' OUT=') < 0 ? -1 : at;
}

export function decodeNetfilter(text: string, draft: Draft): boolean {
  const at = netfilterStart(text);
  if (at < 0) return false;
  let prefix = text.slice(0, at).trim();
  // The kernel's `[ 1234.567890]` uptime, when the line kept it.
  const up = /^\[\s{0,12}\d{1,10}\.\d{1,9}\] ?/.exec(prefix);
  if (up !== null) prefix = prefix.slice(up[0].length).trim();
  const flags: string[] = [];
  for (const tok of text.slice(at, at + 4096).split(' ')) {
    if (tok.length === 0) continue;
    const eq = tok.indexOf('=');
    if (eq < 0) {
      if (/^[A-Z]{2,4}$/.test(tok) && flags.length < 16) flags.push(tok);
      continue;
    }
    const key = tok.slice(0, eq);
    const v = tok.slice(eq + 1);
    switch (key) {
      case 'IN':
        if (v.length > 0) setAttr(draft, 'observer.ingress.interface.name', v);
        break;
      case 'OUT':
        if (v.length > 0) setAttr(draft, 'observer.egress.interface.name', v);
        break;
      case 'SRC':
        setAddress(draft, 'src', v);
        break;
      case 'DST':
        setAddress(draft, 'dst', v);
        break;
      case 'SPT':
        draft.src_port = port(v) ?? draft.src_port;
        break;
      case 'DPT':
        draft.dst_port = port(v) ?? draft.dst_port;
        break;
      case 'PROTO':
        if (v.length > 0) setAttr(draft, 'network.transport', /^\d+$/.test(v) ? v : v.toLowerCase());
        break;
      case 'LEN':
        if (/^\d{1,6}$/.test(v) && !hasAttr(draft, 'network.bytes')) setAttr(draft, 'network.bytes', Number(v));
        break;
      case 'MAC':
        if (v.length > 0) setAttr(draft, 'netfilter.mac', v);
        break;
      case 'TYPE':
        setAttr(draft, 'icmp.type', v);
        break;
      case 'CODE':
        setAttr(draft, 'icmp.code', v);
        break;
    }
  }
  if (flags.length > 0) setAttr(draft, 'netfilter.flags', flags);
  if (prefix.length > 0) setAttr(draft, 'netfilter.prefix', prefix);
  setVerdict(draft, verdictOf(prefix));
  return true;
}

/** The first LEN is the IP packet's; a second one (UDP's) is the datagram's. */
function hasAttr(draft: Draft, path: string): boolean {
  const net = draft.attributes.network;
  return typeof net === 'object' && net !== null && path.split('.')[1]! in net;
}

function verdictOf(prefix: string): { action: string; outcome: 'success' | 'failure' | 'unknown' } {
  if (/BLOCK|DROP|REJECT|DENY|DENIED|REFUSE/i.test(prefix)) return { action: 'firewall-drop', outcome: 'failure' };
  if (/ACCEPT|ALLOW|PASS/i.test(prefix)) return { action: 'firewall-accept', outcome: 'success' };
  return { action: 'firewall-log', outcome: 'unknown' };
}
