import { z } from 'zod';
import { METRIC_KEYS, SEVERITIES } from '../../core/event.js';
import { MAX_MATCHER_VALUES, windowProblem, type MaintenanceWindow } from '../../core/silence.js';
import { durationSchema } from '../units.js';

/**
 * The `detection:` section of the config: where the rules are, how alerts fold and are capped,
 * severity raising for critical assets, Sigma settings, and the built-in threshold and baseline
 * anomaly rules. config/default.yaml documents the same keys with the same defaults;
 * docs/alerts.md explains them.
 */

const duration = durationSchema();

const severity = z.enum(SEVERITIES);
const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
/** A threshold: a number in the metric's units, or a string with a unit (`90%`, `50MB/s`); null = off. */
const threshold = z.union([z.number(), z.string().min(1)]).nullable().default(null);

const assetRaiseSchema = z
  .strictObject({
    /** Steps a finding's severity is raised when its host's asset criticality is listed; 0 = off. */
    steps: z.number().int().min(0).max(3).default(1),
    /** Asset criticalities (enrich.assets[].criticality) that raise. */
    criticalities: z.array(z.enum(CRITICALITIES)).default(['critical']),
  })
  .prefault({});

const sigmaSchema = z
  .strictObject({
    /** Sigma field name → logagg field path, over the built-in map (docs/sigma.md), e.g. { Image: process }. */
    field_map: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** `level: informational` rules: skip (loaded disabled) or LOW (alert at LOW). */
    informational: z.enum(['skip', 'LOW']).default('skip'),
    /** The built-in logsource presets (docs/sigma.md): a rule's logsource selects the events it sees, and maps its fields. */
    presets: z.boolean().default(true),
    /**
     * Entries over the presets: `product:NAME`, `service:NAME`, `category:NAME` or several joined
     * by commas → `{ when, fields }` (a selection over logagg fields or null; Sigma name → logagg
     * field), or just the selection. Checked when rules compile.
     */
    logsources: z
      .record(
        z.string().regex(/^(category|product|service):[^\s,]+(,(category|product|service):[^\s,]+)*$/, 'keys are category:NAME, product:NAME, service:NAME, or several joined by commas'),
        z.record(z.string(), z.unknown()),
      )
      .default({}),
    /** Rules whose logsource no preset covers: all (they see every event) or skip (loaded disabled). */
    unmapped_logsource: z.enum(['all', 'skip']).default('all'),
    /** Lists for the `expand` modifier's placeholders: `%Administrators%` → placeholders.Administrators. */
    placeholders: z.record(z.string().min(1), z.array(z.string())).default({}),
  })
  .prefault({});

const builtinThresholdsSchema = z
  .strictObject({
    /** Percent (0–100). */
    cpu_pct: threshold,
    mem_pct: threshold,
    disk_pct: threshold,
    /** Bytes per second, or a rate like `50MB/s`. */
    net_in: threshold,
    net_out: threshold,
    severity: severity.default('HIGH'),
    /** Consecutive readings (3) or a duration (`5m`) the value must stay above; null = one reading fires. */
    for: z.union([z.number().int().min(1), z.string().min(1)]).nullable().default(null),
    /** Suppression window of these rules; null = default_suppress. */
    suppress: duration.nullable().default(null),
  })
  .prefault({});

const anomalySchema = z
  .strictObject({
    /** One built-in baseline rule per listed metric, per host (ids builtin.anomaly.<metric>). */
    metrics: z.array(z.enum(METRIC_KEYS)).default([]),
    /** ewma: exponentially weighted mean and deviation; mad: median and MAD over `window` readings. */
    method: z.enum(['ewma', 'mad']).default('ewma'),
    /** Score beyond which a reading is anomalous; null = the method's default (ewma 4, mad 3.5). */
    k: z.number().positive().nullable().default(null),
    /** Readings a host's baseline needs before it may fire. */
    warmup: z.number().int().min(0).default(30),
    /** ewma: half-life of a reading's weight, in event time. */
    half_life: duration.default(1_800_000),
    /** mad: readings in the rolling window. */
    window: z.number().int().min(3).default(60),
    /** Floor of the spread, in the metric's units: keeps a flat series' noise quiet. */
    min_stddev: z.number().positive().default(1),
    /** high, low or both. */
    direction: z.enum(['high', 'low', 'both']).default('high'),
    severity: severity.default('MEDIUM'),
  })
  .prefault({});

const stateSchema = z
  .strictObject({
    /** Keep stateful rules' state (count windows, streaks, baselines) in the database across restarts. */
    save: z.boolean().default(true),
    /** Save after at least this many events since the last save… */
    every_events: z.number().int().min(1).default(100_000),
    /** …or this much wall-clock time, whichever comes first (checked at each batch). */
    every: duration.default(60_000),
    /** At start, replay at most this many events stored after the save; more, and the rules start afresh. */
    max_replay: z.number().int().min(0).default(2_000_000),
  })
  .prefault({});

const matcherList = z.array(z.string().trim().min(1).max(256)).max(MAX_MATCHER_VALUES).default([]);

/**
 * A recurring maintenance window: alerts it matches are stored, marked `window:<name>`, and not
 * notified while it is open (docs/alerts.md, "Silences and maintenance windows").
 */
const maintenanceWindowSchema = z
  .strictObject({
    /** Shown in silenced_by as window:<name>; unique. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, underscore and dash, at most 64'),
    /** Five fields: minute hour day-of-month month day-of-week (src/core/cron.ts). */
    cron: z.string().min(1),
    /** How long each window stays open from each start, at most 7d. */
    duration: duration,
    /** IANA zone the cron fields are read in. */
    time_zone: z.string().min(1).default('UTC'),
    /** Rule ids or globs; hosts or globs; severities. Empty = every alert. */
    rules: matcherList,
    hosts: matcherList,
    severities: z.array(severity).default([]),
    comment: z.string().max(2000).default(''),
  })
  .superRefine((w, ctx) => {
    const problem = windowProblem({ cron: w.cron, duration_ms: w.duration, time_zone: w.time_zone });
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: [problem.split(':')[0]!] });
  })
  .transform(
    (w): MaintenanceWindow => ({
      name: w.name,
      cron: w.cron,
      duration_ms: w.duration,
      time_zone: w.time_zone,
      matchers: { rules: w.rules.map((r) => r.toLowerCase()), hosts: w.hosts.map((h) => h.toLowerCase()), severities: w.severities },
      comment: w.comment,
    }),
  );

const maintenanceWindowsSchema = z
  .array(maintenanceWindowSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((w, i) => {
      if (seen.has(w.name)) ctx.addIssue({ code: 'custom', message: `the name "${w.name}" is used twice`, path: [i, 'name'] });
      seen.add(w.name);
    });
  });

export const detectionSchema = z
  .strictObject({
    /** Run the rules on every batch (consume and serve). */
    enabled: z.boolean().default(true),
    /** The rules folder: rule files (*.yaml, *.yml) and list files under lists/. */
    rules_dir: z.string().min(1).default('config/rules'),
    /** Reload the rules when the folder changes (a bad edit keeps the last good set). */
    watch: z.boolean().default(true),
    /**
     * At start, refuse to run when any rule of the folder does not compile (exit code 2). Off: the
     * rules that compile run and the others are refused loudly (log, status, GET /rules, /readyz,
     * /metrics, an alert), so one bad rule among thousands never stops ingest.
     */
    strict: z.boolean().default(false),
    /** Repeats of a finding within this window update one alert; a rule's own `suppress` wins. */
    default_suppress: duration.default(600_000),
    /** Alerts one rule may open within an hour (event time); further occurrences count as suppressed. 0 = no cap. */
    max_alerts_per_rule_per_hour: z.number().int().min(0).default(100),
    /** Groups a stateful rule keeps at most (count windows, sustained thresholds, baselines). */
    max_groups: z.number().int().min(1).max(10_000_000).default(10_000),
    state: stateSchema,
    critical_asset_raise: assetRaiseSchema,
    sigma: sigmaSchema,
    builtin_thresholds: builtinThresholdsSchema,
    anomaly: anomalySchema,
    /** Recurring windows that mute matching alerts (stored, marked, not notified). */
    maintenance_windows: maintenanceWindowsSchema,
  })
  .prefault({});

export type DetectionConfig = z.output<typeof detectionSchema>;
