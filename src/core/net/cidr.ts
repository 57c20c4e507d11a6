import { ipv4MappedToV4, parseIpv4, parseIpv6 } from '../decode/ip.js';

/**
 * CIDR ranges and the matcher rules use for `cidr` (logagg match blocks and the Sigma `cidr`
 * modifier). A bare address is a /32 (IPv4) or /128 (IPv6) range. Host bits set in a range
 * (`10.1.2.3/8`) are ignored, as most tools do. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`)
 * match IPv4 ranges, and IPv4-mapped IPv6 ranges (prefix >= 96) match plain IPv4 addresses.
 */
export type Cidr =
  | { family: 4; bits: number; /** network number: the address shifted right by 32 - bits */ net: number }
  | { family: 6; bits: number; net: bigint };

const TWO_POW: readonly number[] = Array.from({ length: 33 }, (_, i) => 2 ** i);

export function parseCidr(text: string): Cidr | null {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  let bits: number | null = null;
  if (slash >= 0) {
    const b = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return null;
    bits = Number(b);
  }
  if (addr.indexOf(':') < 0) {
    const v = parseIpv4(addr);
    if (v === null) return null;
    const n = bits ?? 32;
    if (n > 32) return null;
    return { family: 4, bits: n, net: Math.floor(v / (TWO_POW[32 - n] as number)) };
  }
  const v = parseIpv6(unbracket(addr));
  if (v === null || addr.indexOf('%') >= 0) return null;
  const n = bits ?? 128;
  if (n > 128) return null;
  return { family: 6, bits: n, net: v >> BigInt(128 - n) };
}

/**
 * Compiles ranges into a membership test over address text. Throws a RangeError naming the
 * first entry that is not an address or range. The test returns false for text that is not
 * an address. Cost per call: one address parse plus one Set lookup per distinct prefix length.
 */
export function compileCidrs(list: readonly string[]): (ip: string) => boolean {
  const v4 = new Map<number, Set<number>>(); // prefix length → network numbers
  const v6 = new Map<number, Set<bigint>>();
  for (const entry of list) {
    const c = parseCidr(entry);
    if (c === null) throw new RangeError(`"${entry}" is not an IP address or CIDR range`);
    if (c.family === 4) addTo(v4, c.bits, c.net);
    else {
      addTo(v6, c.bits, c.net);
      // ::ffff:0:0/96 and narrower also describe IPv4 ranges.
      if (c.bits >= 96 && c.net >> BigInt(c.bits - 96) === 0xffffn) {
        const b = c.bits - 96;
        addTo(v4, b, Number(c.net & ((1n << BigInt(b)) - 1n)));
      }
    }
  }
  const v4Lens = [...v4.entries()].map(([bits, set]) => ({ div: TWO_POW[32 - bits] as number, set }));
  const v6Lens = [...v6.entries()].map(([bits, set]) => ({ shift: BigInt(128 - bits), set }));

  const matchV4 = (v: number): boolean => {
    for (const l of v4Lens) if (l.set.has(Math.floor(v / l.div))) return true;
    return false;
  };

  return (ip: string): boolean => {
    if (ip.indexOf(':') < 0) {
      if (v4Lens.length === 0) return false;
      const v = parseIpv4(ip);
      return v !== null && matchV4(v);
    }
    const v = parseIpv6(unbracket(ip));
    if (v === null) return false;
    const mapped = ipv4MappedToV4(v);
    if (mapped !== null && matchV4(mapped)) return true;
    for (const l of v6Lens) if (l.set.has(v >> l.shift)) return true;
    return false;
  };
}

function addTo<T>(m: Map<number, Set<T>>, bits: number, net: T): void {
  let set = m.get(bits);
  if (set === undefined) m.set(bits, (set = new Set()));
  set.add(net);
}

function unbracket(s: string): string {
  return s.length > 2 && s.charCodeAt(0) === 91 && s.charCodeAt(s.length - 1) === 93 ? s.slice(1, -1) : s;
}
