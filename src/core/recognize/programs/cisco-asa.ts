import type { Draft } from '../../decode/draft.js';
import type { Groups, ProgramTable } from './table.js';
import { port, setAddress, setAttr } from './table.js';

/**
 * Cisco ASA / Firepower Threat Defense messages (the text after `%ASA-n-NNNNNN:`), as Cisco's
 * "Syslog Messages" guide words them: address `interface:ip/port`, the interface optional.
 * Only messages that say who talked to whom and what became of it; the rest keep the tag's
 * program, level and message id.
 */

/** `[iface:]ip/port`, the port optional; ASA writes IPv6 and names (`Server_Windows`) there too. */
const END = (side: 'src' | 'dst') => `(?:(?<${side}_if>[^\\s:/]{1,64}):)?(?<${side}_ip>[^\\s:/()]{1,64}|[0-9a-fA-F:]{2,45})(?:\\/(?<${side}_port>\\d{1,5}))?`;

const IFACES = { src_if: 'observer.ingress.interface.name', dst_if: 'observer.egress.interface.name' };

function transport(g: Groups, d: Draft): void {
  if (g.proto !== undefined) setAttr(d, 'network.transport', g.proto.toLowerCase());
}

export const CISCO_ASA: ProgramTable = {
  name: 'cisco-asa',
  patterns: [
    {
      // 106001
      re: new RegExp(`^Inbound (?<proto>TCP|UDP) connection denied from ${END('src')} to ${END('dst')}`),
      action: 'firewall-drop',
      outcome: 'failure',
      fields: IFACES,
      then: transport,
    },
    {
      // 106006, 106007: `Deny inbound UDP from ip/port to ip/port on interface outside`; 106015 `Deny TCP (no connection) from …`
      re: new RegExp(`^Deny (?:inbound |outbound )?(?<proto>TCP|UDP|ICMP)(?: \\(no connection\\))? from ${END('src')} to ${END('dst')}`),
      action: 'firewall-drop',
      outcome: 'failure',
      fields: IFACES,
      then: transport,
    },
    {
      // 106023: `Deny tcp src outside:ip/port dst inside:ip/port by access-group "acl"`; 106014 icmp
      re: new RegExp(`^Deny (?:inbound )?(?<proto>tcp|udp|icmp|icmp6|gre|esp|\\w{1,12}) src ${END('src')} dst ${END('dst')}(?: \\(type \\d{1,3}, code \\d{1,3}\\))?(?: by access-group "(?<acl>[^"]{1,128})")?`),
      action: 'firewall-drop',
      outcome: 'failure',
      fields: { ...IFACES, acl: 'rule.name' },
      then: transport,
    },
    {
      // 106100: `access-list acl permitted tcp inside/ip(port) -> outside/ip(port) hit-cnt 1 …`
      re: /^access-list (?<acl>\S{1,128}) (?<verdict>permitted|denied|est-allowed) (?<proto>\w{1,12}) (?<src_if>[^\s/]{1,64})\/(?<src_ip>[^\s(]{1,64})\((?<src_port>\d{1,5})\) -> (?<dst_if>[^\s/]{1,64})\/(?<dst_ip>[^\s(]{1,64})\((?<dst_port>\d{1,5})\)/,
      action: 'firewall-drop',
      outcome: 'failure',
      fields: { ...IFACES, acl: 'rule.name' },
      then: (g, d) => {
        transport(g, d);
        if (g.verdict !== 'denied') {
          setAttr(d, 'event.action', 'firewall-accept');
          setAttr(d, 'event.outcome', 'success');
        }
      },
    },
    {
      // 710003: `TCP access denied by ACL from ip/port to outside:ip/port`
      re: new RegExp(`^(?<proto>TCP|UDP) access denied by ACL from ${END('src')} to ${END('dst')}`),
      action: 'firewall-drop',
      outcome: 'failure',
      fields: IFACES,
      then: transport,
    },
    {
      // 302013, 302015: inbound — the first end initiated; outbound — the second did.
      re: /^Built (?<dir>inbound|outbound) (?<proto>TCP|UDP) connection (?<conn>\d{1,20}) for (?<a_if>[^\s:]{1,64}):(?<a_ip>[^\s/]{1,64})\/(?<a_port>\d{1,5}) \([^)]{0,128}\)(?:\([^)]{0,128}\))? to (?<b_if>[^\s:]{1,64}):(?<b_ip>[^\s/]{1,64})\/(?<b_port>\d{1,5})/,
      action: 'firewall-accept',
      outcome: 'success',
      fields: { conn: 'network.connection_id', a_if: 'cisco.asa.first_interface', b_if: 'cisco.asa.second_interface' },
      then: (g, d) => {
        transport(g, d);
        const inbound = g.dir === 'inbound';
        const [s, t] = inbound ? ['a', 'b'] : ['b', 'a'];
        setEnd(d, 'src', g[`${s}_ip`]!, g[`${s}_port`]!);
        setEnd(d, 'dst', g[`${t}_ip`]!, g[`${t}_port`]!);
        setAttr(d, 'network.direction', inbound ? 'inbound' : 'outbound');
      },
    },
    {
      // 605004 / 605005: management login over ssh/telnet/https.
      re: /^Login (?<verdict>denied|permitted) from (?<src_ip>[^\s/]{1,64})\/(?<src_port>\d{1,5}) to (?<dst_if>[^\s:]{1,64}):(?<dst_ip>[^\s/]{1,64})\/(?<svc>\w{1,16}) for user "(?<user>[^"]{0,256})"/,
      action: 'login',
      outcome: 'failure',
      fields: { dst_if: 'observer.ingress.interface.name', svc: 'service.name' },
      outcomeBy: { group: 'verdict', map: { denied: 'failure', permitted: 'success' } },
    },
    {
      // 113005: `AAA user authentication Rejected : reason = … : server = ip : user = name : user IP = ip`
      re: /^AAA user authentication Rejected.{0,256}?user IP = (?<src_ip>[0-9a-fA-F.:]{2,45})/,
      action: 'login',
      outcome: 'failure',
    },
    {
      // 113004: `AAA user authentication Successful : server = ip : user = name`
      re: /^AAA user authentication Successful\s?: server = (?<dst_ip>[^\s:]{1,64}) : user = (?<user>\S{1,256})/,
      action: 'login',
      outcome: 'success',
    },
  ],
};

function setEnd(d: Draft, side: 'src' | 'dst', ip: string, portText: string): void {
  setAddress(d, side, ip);
  const p = port(portText);
  if (p === null) return;
  if (side === 'src') d.src_port = p;
  else d.dst_port = p;
}
