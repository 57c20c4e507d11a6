/**
 * IP address text to integers, for validation in decoders and prefix matching in intel lookups.
 * Hand-written scanners (no regex) because they run for several fields of every event.
 */

/** Dotted-quad IPv4 to an unsigned 32-bit integer; null when not exactly four 0..255 parts. */
export function parseIpv4(s: string, start = 0, end = s.length): number | null {
  let value = 0;
  let part = 0;
  let partLen = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++partLen > 3 || part > 255) return null;
    } else if (c === 46 && partLen > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      partLen = 0;
      dots++;
    } else return null;
  }
  if (dots !== 3 || partLen === 0) return null;
  return value * 256 + part;
}

/**
 * IPv6 text to a 128-bit bigint. Accepts `::` compression, an embedded dotted IPv4 tail and a
 * zone suffix (`%eth0`, ignored). Null for anything else.
 */
export function parseIpv6(s: string): bigint | null {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  if (end < 2 || end > 45) return null;
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
    if (i === end) return 0n;
  }
  while (i < end) {
    let j = i;
    let v = 0;
    while (j < end && j - i < 5) {
      const h = hexVal(s.charCodeAt(j));
      if (h < 0) break;
      v = v * 16 + h;
      j++;
    }
    const c = j < end ? s.charCodeAt(j) : -1;
    if (c === 46 /* . */) {
      // Embedded IPv4 takes the last two groups.
      const v4 = parseIpv4(s, i, end);
      if (v4 === null) return null;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
      i = end;
      break;
    }
    if (j === i || j - i > 4) return null;
    groups.push(v);
    if (j === end) {
      i = end;
      break;
    }
    if (c !== 58) return null;
    if (s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return null;
      gap = groups.length;
      i = j + 2;
      if (i === end) break;
    } else {
      i = j + 1;
      if (i === end) return null; // trailing single colon
    }
  }
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return null;
  let out = 0n;
  const fill = 8 - groups.length;
  for (let g = 0, k = 0; g < 8; g++) {
    let v = 0;
    if (gap >= 0 && g >= gap && g < gap + fill) v = 0;
    else v = groups[k++] ?? 0;
    out = (out << 16n) | BigInt(v);
  }
  return out;
}

/** ::ffff:a.b.c.d → a.b.c.d as a 32-bit integer; null for other addresses. */
export function ipv4MappedToV4(v6: bigint): number | null {
  return v6 >> 32n === 0xffffn ? Number(v6 & 0xffffffffn) : null;
}

/** True for a valid IPv4 or IPv6 address (no brackets, no port). */
export function isIp(s: string): boolean {
  return s.indexOf(':') >= 0 ? parseIpv6(s) !== null : parseIpv4(s) !== null;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
