/** The SQLite store's public surface. docs/schema.md describes the database. */
export { openStore, type OpenStoreOptions, type Store } from './store.js';
export { MIGRATIONS, latestVersion, schemaVersion, type Migration } from './migrations.js';
export { LogWriter, type BatchInput, type BatchResult, type BatchTx } from './log-writer.js';
export { LogReader, MAX_PAGE, type LogPage, type LogStats, type QueryOptions } from './log-reader.js';
export { type AttrFilter, type LogFilter } from './log-filter.js';
export { toFtsMatch, FTS_LIMITS } from './fts-query.js';
export { encodeCursor, decodeCursor, type CursorPosition, type SortOrder } from './cursor.js';
export { readOffsets, listOffsets, type OffsetRow, type OffsetUpdate } from './offsets.js';
export { readRollups, type RollupPoint, type RollupQuery } from './rollup-reader.js';
export { aggregateRollups, bucketStart, MINUTE_MS, HOUR_MS } from './rollup-writer.js';
export { pruneOnce, pruneRollupsOnce, pruneAll, retentionCutoffs, type PruneOptions, type PruneSummary } from './retention.js';
export { storeStats, type StoreStats } from './store-stats.js';
export type { SqlStatement } from './sqlite.js';
