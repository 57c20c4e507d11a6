/**
 * Detection inside the ingest pipeline: the BatchDetector that runs the rules once per batch
 * (DetectionEngine, pure) and hands their findings (and, when due, the rules' state) to the
 * batch's commit job, which writes them as alerts inside the batch's transaction
 * (src/ingest/commit-job.ts, alert-store). It also owns the rule set's life: loaded at start (a
 * rule that does not compile is refused and the rest run, unless detection.strict; the refused
 * ones are logged and raise the internal alert `logagg.rules-refused`), reloaded when the folder
 * changes (a bad edit keeps the last good set), with the enable/disable
 * overrides kept in the database applied over the files at start and after every reload.
 *
 * Detection state (count windows, sustained thresholds, baselines) lives in memory: after a
 * restart those rules start afresh, while stateless rules (match, plain thresholds, Sigma
 * without correlation) give exactly the alerts an uninterrupted run gives.
 */
import type { NormalizedEvent, StoredEvent } from '../core/event.js';
import { DETECTION_STATE_CODEC } from '../core/detect/state-classes.js';
import { DetectionEngine, type RuleStatus } from '../core/detect/engine.js';
import { formatRuleError } from '../core/rules/compile.js';
import type { RefusedRule } from '../core/rules/rule-info.js';
import type { CompiledRule, Finding } from '../core/rules/types.js';
import type { BatchDetector } from '../ingest/pipeline.js';
import type { Logger } from '../logger.js';
import { applyFindingsApart, type AlertPolicy } from '../store/alert-store.js';
import type { DetectionWrite } from '../ingest/commit-job.js';
import { readRuleOverrides, readRuleStats, writeRuleOverride, type RuleOverride, type RuleStats } from '../store/rule-state.js';
import type { Store } from '../store/store.js';
import { countLogsAfter, readDetectionState } from '../store/detection-state.js';
import { logsAfter } from '../store/log-follow.js';
import { watchRules, type RuleWatcher } from '../rules/rule-files.js';
import { assetRaisePolicy, loadInitialRules, ruleContextBase, type DetectionSettings } from './detection-rules.js';

/** Events read per step when replaying after a restore. */
const REPLAY_CHUNK = 5000;

/** The rule id of the internal alert raised when rules were refused at start. */
export const RULES_REFUSED_RULE_ID = 'logagg.rules-refused';
/** Refused rules listed in that alert's context at most (the log and GET /rules list them all). */
const ALERT_LISTS_AT_MOST = 50;

export interface RuleReport extends RuleStatus {
  /** Counters kept in the database (since it was created); zero when the rule never fired. */
  stats: RuleStats;
  /** The override made through the API, if any. */
  override: RuleOverride | null;
}

export interface DetectionOptions {
  logger: Logger;
  /** Debounce of folder changes before a reload, ms (tests shorten it). */
  reloadDebounceMs?: number;
}

export class DetectionService implements BatchDetector {
  private readonly engine: DetectionEngine;
  private readonly policy: AlertPolicy;
  private readonly logger: Logger;
  private suppressById = new Map<string, number>();
  private overrides = new Map<string, RuleOverride>();
  private store: Store | null = null;
  private watcher: RuleWatcher | null = null;
  /** The rules from the folder in force now (the last good set). */
  private files: CompiledRule[] = [];
  /** Events detected and wall-clock time since the state was last snapshotted for saving. */
  private sinceSave = 0;
  private lastSaveAt = 0;
  /** Rules whose state could not be saved, reported once each. */
  private readonly unsaved = new Set<string>();
  /** Folder rules refused at start (did not compile); emptied by the first good reload. */
  private refused: RefusedRule[] = [];

  private constructor(
    private readonly cfg: DetectionSettings,
    private readonly builtins: CompiledRule[],
    files: CompiledRule[],
    private readonly opts: DetectionOptions,
  ) {
    this.logger = opts.logger;
    this.policy = { maxAlertsPerRulePerHour: cfg.max_alerts_per_rule_per_hour, windows: cfg.maintenance_windows };
    this.engine = new DetectionEngine([], { assetRaise: assetRaisePolicy(cfg) });
    this.install(files);
  }

  /**
   * Loads the built-in rules and the rules folder. Throws ConfigError for a bad config or folder,
   * and for any bad rule with detection.strict; otherwise a bad rule is refused, one log line each.
   */
  static async load(cfg: DetectionSettings, opts: DetectionOptions): Promise<DetectionService> {
    const initial = await loadInitialRules(cfg);
    const service = new DetectionService(cfg, initial.builtins, initial.files, opts);
    service.refused = initial.refused;
    for (const r of initial.refused) opts.logger.error('rule refused: it does not compile and does not run', { file: r.file, rule: r.id, reason: r.reason });
    opts.logger.info('rules loaded', {
      dir: cfg.rules_dir,
      rules: initial.builtins.length + initial.files.length,
      files: initial.fileNames.length,
      ...(initial.refused.length > 0 ? { refused: initial.refused.length } : {}),
    });
    return service;
  }

  /** The folder rules refused at start and still not running (none after a good reload). */
  refusedRules(): RefusedRule[] {
    return this.refused.map((r) => ({ ...r }));
  }

  /**
   * Binds the writer connection (opened and migrated by the ingest service) and applies the
   * overrides stored in it. Returns this, so it can be the ingest service's detector factory.
   */
  attach(store: Store): this {
    this.store = store;
    this.overrides = readRuleOverrides(store);
    this.applyOverrides();
    if (this.cfg.state.save) this.restoreState(store);
    if (this.refused.length > 0) this.raiseRefusedAlert(store);
    return this;
  }

  /**
   * The internal alert `logagg.rules-refused`, through the normal alert store (one per start;
   * a restart within the suppression window with the same refusals updates it). Written on the
   * writer connection in a short transaction of its own; no event stands behind it.
   */
  private raiseRefusedAlert(store: Store): void {
    const now = Date.now();
    const n = this.refused.length;
    const finding: Finding = {
      rule_id: RULES_REFUSED_RULE_ID,
      rule_name: 'Detection rules refused at start',
      severity: 'HIGH',
      host: null,
      title: `${n} detection rule${n === 1 ? '' : 's'} refused at start (not running): see logagg status or GET /api/v1/rules`,
      dedup_key: RULES_REFUSED_RULE_ID,
      ts: now,
      event_indexes: [],
      matched: { refused: n, dir: this.cfg.rules_dir },
      context: { refused: this.refused.slice(0, ALERT_LISTS_AT_MOST) },
    };
    try {
      applyFindingsApart(store, { events: [], ids: [], now }, [{ finding, suppressMs: this.cfg.default_suppress }], this.policy);
    } catch (e) {
      this.logger.warn('the alert for refused rules could not be written', { err: e });
    }
  }

  /** Starts reloading the rules when the folder changes (when detection.watch is on). */
  watch(): void {
    if (!this.cfg.watch || this.watcher !== null) return;
    this.watcher = watchRules(
      this.cfg.rules_dir,
      ruleContextBase(this.cfg),
      this.files,
      (r) => {
        if (r.ok) {
          try {
            this.install(r.rules);
          } catch (e) {
            this.logger.warn('rules reload refused; the last good set stays in force', { err: e });
            return;
          }
          // A reload is all or nothing: a good one means nothing of the folder is refused now.
          this.refused = [];
          this.logger.info('rules reloaded', { dir: this.cfg.rules_dir, rules: this.builtins.length + r.rules.length, files: r.files.length });
        } else {
          this.logger.warn('rules reload refused; the last good set stays in force', {
            dir: this.cfg.rules_dir,
            kept: r.kept,
            problems: r.errors.map(formatRuleError),
          });
        }
      },
      this.opts.reloadDebounceMs === undefined ? {} : { debounceMs: this.opts.reloadDebounceMs },
    );
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  /**
   * Runs the rules over one chunk (every event once, in order) and says what its transaction
   * must write: the findings, and the rules' state when a save is due (detection.state.every_events
   * / every). The state is taken here, right after this chunk: the committer stores chunks in the
   * order they were detected, so the saved state has seen exactly the events stored with it, even
   * while later chunks are already detected (storage.writer_thread).
   */
  detect(events: readonly NormalizedEvent[]): DetectionWrite {
    const findings = this.engine.evaluate(events);
    const fallback = this.cfg.default_suppress;
    this.sinceSave += events.length;
    return {
      pending: findings.map((finding) => ({ finding, suppressMs: this.suppressById.get(finding.rule_id) ?? fallback })),
      policy: this.policy,
      state: this.stateIfDue(),
    };
  }

  private stateIfDue(): DetectionWrite['state'] {
    const st = this.cfg.state;
    if (!st.save) return null;
    const now = Date.now();
    if (this.sinceSave < st.every_events && now - this.lastSaveAt < st.every) return null;
    const { saved, failed } = this.engine.snapshot(DETECTION_STATE_CODEC);
    for (const f of failed) {
      if (this.unsaved.has(f.id)) continue;
      this.unsaved.add(f.id);
      this.logger.warn('a rule\'s state cannot be saved; it will start afresh after a restart', { rule: f.id, error: f.error });
    }
    this.sinceSave = 0;
    this.lastSaveAt = now;
    return { rules: saved, savedAt: now };
  }

  /**
   * Puts back the saved state of the rules whose definition is unchanged, then replays the
   * events stored after it, so windows, streaks and baselines go on as if there had been no
   * restart. Too many events to replay (detection.state.max_replay): the rules start afresh.
   */
  private restoreState(store: Store): void {
    const saved = readDetectionState(store);
    if (saved === null) return;
    const pending = countLogsAfter(store, saved.lastLogId);
    const savedAt = new Date(saved.savedAt).toISOString();
    if (pending > this.cfg.state.max_replay) {
      this.logger.warn('detection state not restored: too many events stored after it to replay; stateful rules start afresh', {
        saved_at: savedAt,
        events_after: pending,
        max_replay: this.cfg.state.max_replay,
      });
      return;
    }
    const started = Date.now();
    const r = this.engine.restore(saved.rules, DETECTION_STATE_CODEC);
    for (const f of r.failed) this.logger.warn('a rule\'s saved state could not be read; it starts afresh', { rule: f.id, error: f.error });
    let after = saved.lastLogId;
    let replayed = 0;
    for (;;) {
      const chunk = logsAfter(store, {}, after, REPLAY_CHUNK);
      if (chunk.length === 0) break;
      this.engine.evaluate(chunk, { replay: true });
      after = (chunk[chunk.length - 1] as StoredEvent).id;
      replayed += chunk.length;
    }
    this.logger.info('detection state restored', {
      saved_at: savedAt,
      rules: r.restored.length,
      changed_or_removed: saved.rules.length - r.restored.length - r.failed.length,
      replayed,
      ms: Date.now() - started,
    });
  }

  /** Every rule in force with its state, counters and override. */
  rules(): RuleReport[] {
    const stats = this.store === null ? new Map<string, RuleStats>() : readRuleStats(this.store);
    return this.engine.status().map((s) => ({
      ...s,
      stats: stats.get(s.meta.id) ?? { hits: 0, alerts_opened: 0, suppressed: 0, last_hit: null },
      override: this.overrides.get(s.meta.id) ?? null,
    }));
  }

  /**
   * Enables or disables a rule now and across restarts and reloads. Returns false for a rule
   * not in force. Throws STORE_* errors when the override cannot be recorded (nothing changes).
   */
  setEnabled(id: string, enabled: boolean, by: string, at: number): boolean {
    if (!this.engine.status().some((s) => s.meta.id === id)) return false;
    const o: RuleOverride = { enabled, by, at };
    if (this.store !== null) writeRuleOverride(this.store, id, o);
    this.overrides.set(id, o);
    this.engine.setEnabled(id, enabled);
    return true;
  }

  private install(files: readonly CompiledRule[]): void {
    const all = [...this.builtins, ...files];
    const builtinIds = new Set(this.builtins.map((r) => r.meta.id));
    const clash = files.find((r) => builtinIds.has(r.meta.id));
    if (clash !== undefined) throw new Error(`rule "${clash.meta.id}" in ${clash.meta.file ?? 'the rules folder'} has the id of a built-in rule`);
    this.engine.setRules(all);
    this.files = [...files];
    this.suppressById = new Map(all.map((r) => [r.meta.id, r.meta.suppress_ms ?? this.cfg.default_suppress]));
    this.applyOverrides();
  }

  /** Overrides for rules not in force now wait in the map until a reload brings them back. */
  private applyOverrides(): void {
    for (const [id, o] of this.overrides) this.engine.setEnabled(id, o.enabled);
  }
}
