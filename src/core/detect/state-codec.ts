/**
 * Detection state (count windows, streaks, baselines, correlation groups) to JSON text and back,
 * so it can be kept in the database and survive a restart. Pure.
 *
 * The state of a rule is a tree of plain values, arrays, Maps, Sets and instances of the
 * classes named in the codec's registry; each non-JSON value is written as a tagged object
 * (`{"$":"Map","e":[[k,v],…]}`, `{"$":"TimestampWindow","f":{…own fields…}}`, `{"$":"n","v":"-Infinity"}`).
 * Decoding only ever creates those: plain objects, arrays, Maps, Sets and registered classes
 * (their prototype, with the recorded fields assigned), never runs code from the text. Anything
 * else (a function, an unregistered class, a cycle, a tree deeper than MAX_DEPTH) makes
 * encoding fail, and text that is not what encoding makes fails decoding: the caller starts
 * that rule afresh.
 */
export class StateCodecError extends Error {
  override name = 'StateCodecError';
}

const MAX_DEPTH = 64;

type Ctor = abstract new (...args: never[]) => object;

export class StateCodec {
  private readonly byProto = new Map<object, string>();
  private readonly byName = new Map<string, object>();

  constructor(classes: Readonly<Record<string, Ctor>>) {
    for (const [name, c] of Object.entries(classes)) {
      if (RESERVED.has(name)) throw new Error(`state codec: "${name}" is a reserved tag`);
      this.byProto.set(c.prototype, name);
      this.byName.set(name, c.prototype);
    }
  }

  encode(state: unknown): string {
    return JSON.stringify(this.enc(state, 0, new Set()));
  }

  decode(text: string): unknown {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new StateCodecError(`not JSON: ${(e as Error).message}`);
    }
    return this.dec(json, 0);
  }

  private enc(v: unknown, depth: number, path: Set<object>): unknown {
    if (depth > MAX_DEPTH) throw new StateCodecError(`deeper than ${MAX_DEPTH} levels`);
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) ? v : { $: 'n', v: String(v) };
      case 'undefined':
        return { $: 'u' };
      case 'object':
        break;
      default:
        throw new StateCodecError(`cannot keep a ${typeof v}`);
    }
    if (v === null) return null;
    if (path.has(v)) throw new StateCodecError('a cycle');
    path.add(v);
    try {
      const d = depth + 1;
      if (Array.isArray(v)) return v.map((x) => this.enc(x, d, path));
      if (v instanceof Map) return { $: 'Map', e: [...v].map(([k, x]) => [this.enc(k, d, path), this.enc(x, d, path)]) };
      if (v instanceof Set) return { $: 'Set', e: [...v].map((x) => this.enc(x, d, path)) };
      const proto = Object.getPrototypeOf(v) as object | null;
      const tag = proto === Object.prototype || proto === null ? 'o' : this.byProto.get(proto as object);
      if (tag === undefined) throw new StateCodecError(`an instance of an unregistered class (${(v as object).constructor?.name ?? '?'})`);
      const f: Record<string, unknown> = {};
      for (const k of Object.keys(v)) Object.defineProperty(f, k, { value: this.enc((v as Record<string, unknown>)[k], d, path), enumerable: true, writable: true, configurable: true });
      return { $: tag, f };
    } finally {
      path.delete(v);
    }
  }

  private dec(j: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH + 1) throw new StateCodecError(`deeper than ${MAX_DEPTH} levels`);
    if (j === null || typeof j === 'string' || typeof j === 'boolean' || typeof j === 'number') return j;
    const d = depth + 1;
    if (Array.isArray(j)) return j.map((x) => this.dec(x, d));
    if (typeof j !== 'object') throw new StateCodecError('unexpected value');
    const o = j as Record<string, unknown>;
    const tag = o['$'];
    switch (tag) {
      case 'u':
        return undefined;
      case 'n': {
        const s = o['v'];
        if (s === 'NaN') return Number.NaN;
        if (s === 'Infinity') return Number.POSITIVE_INFINITY;
        if (s === '-Infinity') return Number.NEGATIVE_INFINITY;
        throw new StateCodecError(`bad number ${JSON.stringify(s)}`);
      }
      case 'Map':
        return new Map(this.entries(o['e'], d).map((p) => {
          if (!Array.isArray(p) || p.length !== 2) throw new StateCodecError('bad Map entry');
          return [this.dec(p[0], d), this.dec(p[1], d)] as const;
        }));
      case 'Set':
        return new Set(this.entries(o['e'], d).map((x) => this.dec(x, d)));
      default: {
        if (typeof tag !== 'string') throw new StateCodecError('untagged object');
        const proto = tag === 'o' ? Object.prototype : this.byName.get(tag);
        if (proto === undefined) throw new StateCodecError(`unknown class "${tag}"`);
        const f = o['f'];
        if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new StateCodecError(`bad fields of "${tag}"`);
        const out = Object.create(proto) as Record<string, unknown>;
        for (const k of Object.keys(f)) {
          const value = this.dec((f as Record<string, unknown>)[k], d);
          // Own data properties, whatever the key (`__proto__` included): never a prototype change.
          Object.defineProperty(out, k, { value, writable: true, enumerable: true, configurable: true });
        }
        return out;
      }
    }
  }

  private entries(e: unknown, _depth: number): unknown[] {
    if (!Array.isArray(e)) throw new StateCodecError('bad entries');
    return e;
  }
}

const RESERVED = new Set(['u', 'n', 'Map', 'Set', 'o']);
