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
 * an address. Cost per call: one address parse plus one Map probe per distinct prefix length.
 */
export function compileCidrs(list: readonly string[]): (ip: string) => boolean {
  const table = new CidrTable<true>();
  for (const entry of list) {
    const c = parseCidr(entry);
    if (c === null) throw new RangeError(`"${entry}" is not an IP address or CIDR range`);
    table.slot(c, () => true);
  }
  return (ip: string): boolean => table.has(ip);
}

interface PrefixLength<K, T> {
  bits: number;
  /** IPv4: 2 ** (32 - bits), the divisor that turns an address into its network number. */
  div: number;
  /** IPv6: 128 - bits, the shift that turns an address into its network number. */
  shift: bigint;
  /** network number → value */
  nets: Map<K, T>;
}

/**
 * Ranges with a value each, for lookups that need to know which ranges hold an address (the
 * threat-intel index: every list whose entry holds it). The same rules as compileCidrs: an
 * IPv4-mapped IPv6 range (prefix >= 96) is kept as its IPv4 range; an IPv4-mapped address is
 * looked up in the IPv4 ranges, then in the IPv6 ones (`::/0` holds `::ffff:1.2.3.4`).
 * A lookup costs one address parse plus one Map probe per distinct prefix length.
 */
export class CidrTable<T> {
  /** Longest prefix first, so that lookups list the most specific range first. */
  private readonly v4: PrefixLength<number, T>[] = [];
  private readonly v6: PrefixLength<bigint, T>[] = [];

  /** The value of range c (or of the same network written another way); init makes it when c is new. */
  slot(c: Cidr, init: () => T): T {
    if (c.family === 4) return slotIn(this.v4, c.bits, c.net, init);
    // ::ffff:0:0/96 and narrower also describe IPv4 ranges.
    if (c.bits >= 96 && c.net >> BigInt(c.bits - 96) === 0xffffn) {
      const b = c.bits - 96;
      return slotIn(this.v4, b, Number(c.net & ((1n << BigInt(b)) - 1n)), init);
    }
    return slotIn(this.v6, c.bits, c.net, init);
  }

  /** True when a range holds the address; false for text that is not an address. */
  has(ip: string): boolean {
    return this.walk(ip, false) !== null;
  }

  /** The values of every range holding the address, longest prefix first; null when none does. */
  lookup(ip: string): T[] | null {
    return this.walk(ip, true);
  }

  /** The values of the ranges holding ip: all of them, or only the first one found. */
  private walk(ip: string, all: boolean): T[] | null {
    let out: T[] | null = null;
    let v4: number | null = null;
    let v6: bigint | null = null;
    if (ip.indexOf(':') < 0) {
      if (this.v4.length === 0) return null;
      v4 = parseIpv4(ip);
    } else {
      v6 = parseIpv6(unbracket(ip));
      if (v6 !== null) v4 = ipv4MappedToV4(v6);
    }
    if (v4 !== null) {
      for (const l of this.v4) {
        const hit = l.nets.get(Math.floor(v4 / l.div));
        if (hit === undefined) continue;
        (out ??= []).push(hit);
        if (!all) return out;
      }
    }
    if (v6 !== null) {
      for (const l of this.v6) {
        const hit = l.nets.get(v6 >> l.shift);
        if (hit === undefined) continue;
        (out ??= []).push(hit);
        if (!all) return out;
      }
    }
    return out;
  }
}

function slotIn<K, T>(lens: PrefixLength<K, T>[], bits: number, net: K, init: () => T): T {
  let l = lens.find((x) => x.bits === bits);
  if (l === undefined) {
    l = { bits, div: 2 ** Math.max(0, 32 - bits), shift: BigInt(128 - bits), nets: new Map() };
    lens.push(l);
    lens.sort((a, b) => b.bits - a.bits);
  }
  let v = l.nets.get(net);
  if (v === undefined) l.nets.set(net, (v = init()));
  return v;
}

function unbracket(s: string): string {
  return s.length > 2 && s.charCodeAt(0) === 91 && s.charCodeAt(s.length - 1) === 93 ? s.slice(1, -1) : s;
}
