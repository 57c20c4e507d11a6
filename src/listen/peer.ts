/**
 * A peer address as stored in an event's source.peer: `ip:port`, IPv6 in brackets
 * (`[2001:db8::1]:514`); IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) as plain IPv4.
 */
export function formatPeer(address: string | undefined, port: number | undefined): string {
  let a = address ?? 'unknown';
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  const host = a.includes(':') ? `[${a}]` : a;
  return port === undefined ? host : `${host}:${port}`;
}
