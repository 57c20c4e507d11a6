/**
 * A Map bounded to `max` entries that drops the least recently used one. Rules keep one entry
 * per group (host, source address…), so a flood of distinct groups costs bounded memory: the
 * group seen least recently loses its state (its window or sustained counter starts over).
 * Uses the Map's insertion order; a read moves the entry to the end.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  private last: K | undefined;
  /** Entries dropped because the map was full, since creation. */
  evictions = 0;

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`LruMap size must be at least 1, got ${max}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined && key !== this.last) {
      this.map.delete(key);
      this.map.set(key, v);
      this.last = key;
    }
    return v;
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(key, value);
    this.last = key;
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value as K;
      this.map.delete(oldest);
      this.evictions++;
    }
  }

  delete(key: K): boolean {
    if (key === this.last) this.last = undefined;
    return this.map.delete(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }
}
