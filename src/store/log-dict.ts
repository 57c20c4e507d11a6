/**
 * The dictionary of storage v2 (table log_dict): the few distinct strings many events share
 * (hosts, topics, formats, tag sets) stored once, events holding their small integer id.
 * The writer's side: ids found or added inside the batch's transaction, cached once committed
 * (an id added by a batch that rolled back is not kept: it may be given to another value).
 */
import type { SqlStatement } from './sqlite.js';

export type DictKind = 'host' | 'topic' | 'format' | 'tagset';

type Statements = (sql: string) => SqlStatement;

export class DictWriter {
  private readonly cache = new Map<string, number>();
  private staged = new Map<string, number>();

  /** The id of (kind, value), added when new; inside the caller's transaction. */
  id(statement: Statements, kind: DictKind, value: string): number {
    const key = kind + '\0' + value;
    const hit = this.cache.get(key) ?? this.staged.get(key);
    if (hit !== undefined) return hit;
    statement('INSERT INTO log_dict (kind, value) VALUES (?, ?) ON CONFLICT (kind, value) DO NOTHING').run(kind, value);
    const id = Number(statement('SELECT id FROM log_dict WHERE kind = ? AND value = ?').pluck().get(kind, value));
    this.staged.set(key, id);
    return id;
  }

  /** The batch committed: keep what it added. */
  commit(): void {
    for (const [k, v] of this.staged) this.cache.set(k, v);
    this.staged = new Map();
  }

  /** The batch rolled back: forget what it added. */
  rollback(): void {
    this.staged = new Map();
  }
}
