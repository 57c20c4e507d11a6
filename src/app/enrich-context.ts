import type { FrozenConfig } from '../config/load.js';
import { buildAssetInventory, type EnrichContext } from '../core/enrich.js';
import { buildIntelIndex } from '../core/intel.js';
import { loadIntelList } from '../enrich/intel-files.js';

/** Reads the threat-intel list files named in config and builds the pure enrichment tables. */
export function loadEnrichContext(cfg: FrozenConfig['enrich']): EnrichContext {
  return {
    assets: buildAssetInventory(cfg.assets.map((a) => ({ ...a, tags: a.tags ? [...a.tags] : undefined }))),
    intel: buildIntelIndex(
      cfg.intel.map((l) => ({ name: l.name, kind: l.kind, severity: l.severity, tags: l.tags, indicators: loadIntelList(l.file) })),
    ),
  };
}
