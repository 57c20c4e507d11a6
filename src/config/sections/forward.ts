import { z } from 'zod';
import { isLogaggError } from '../../errors.js';
import { forwardLogFilter } from '../../forward/filter.js';
import { durationSchema } from '../units.js';

/**
 * `forward`: outputs that publish the normalized events and alerts of this appliance to Kafka
 * topics, fed from the committed store (src/forward/, docs/operations.md "Forwarding"). Wired
 * into configSchema in src/config/schema.ts; config/default.yaml documents the same keys.
 */

const duration = durationSchema();

export const OUTPUT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const OUTPUT_NAME_RULE = 'an output name: lower-case letters, digits, "_" or "-" (at most 63)';
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9092');
/** Kafka's own rule for topic names. */
const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits, ".", "_" or "-"');

/** The filter, in the words of GET /api/v1/logs' parameters (host, level, tag, has_threats, …). */
const filterValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);

const outputSchema = z
  .strictObject({
    type: z.literal('kafka').default('kafka'),
    /** Bootstrap brokers of the central cluster; null = kafka.brokers (the same cluster). TLS and SASL are kafka.ssl / kafka.sasl. */
    brokers: z.array(hostPort).min(1).nullable().default(null),
    /** Where events go; null = no events. */
    events_topic: topicName.nullable().default(null),
    /** Where alerts (and each of their changes) go; null = no alerts. */
    alerts_topic: topicName.nullable().default(null),
    /** Only events matching this filter are forwarded; {} = every event. Alerts are not filtered. */
    filter: z.record(z.string(), filterValue).default({}),
    /** Events (or alerts) per produce request. */
    batch: z.number().int().min(1).max(10_000).default(500),
    /** When fewer than `batch` are waiting, wait this long for more before sending. */
    linger: duration.default(50),
    compression: z.enum(['none', 'gzip']).default('gzip'),
    /** A new output (no cursor yet) starts at the oldest stored event, or at the newest. */
    start: z.enum(['beginning', 'now']).default('beginning'),
  })
  .superRefine((o, ctx) => {
    if (o.events_topic === null && o.alerts_topic === null) ctx.addIssue({ code: 'custom', path: ['events_topic'], message: 'set events_topic, alerts_topic or both' });
    try {
      forwardLogFilter(o.filter);
    } catch (e) {
      if (!isLogaggError(e)) throw e;
      ctx.addIssue({ code: 'custom', path: ['filter'], message: e.message });
    }
  });

export const forwardSchema = z
  .strictObject({
    /** This appliance's name in every message (field `appliance`, header `logagg-appliance`); null = the host name. */
    appliance: z.string().min(1).max(255).nullable().default(null),
    /** How often each output looks for new events when not woken by a commit. */
    poll_interval: duration.default(1_000),
    /** A failed send is retried after this, doubling up to backoff_max. */
    backoff_initial: duration.default(500),
    backoff_max: duration.default(30_000),
    /** /readyz says `degraded` once an output has failed for longer than this. */
    degraded_after: duration.default(300_000),
    /** How long one produce request may take (connect, send, acks from all in-sync replicas). */
    timeout: duration.default(30_000),
    /** name -> output. */
    outputs: z.record(z.string(), outputSchema).default({}),
  })
  .prefault({})
  .superRefine((f, ctx) => {
    for (const name of Object.keys(f.outputs)) {
      if (!OUTPUT_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['outputs', name], message: OUTPUT_NAME_RULE });
    }
    if (f.backoff_initial < 1) ctx.addIssue({ code: 'custom', path: ['backoff_initial'], message: 'must be at least 1ms' });
    if (f.backoff_initial > f.backoff_max) ctx.addIssue({ code: 'custom', path: ['backoff_initial'], message: 'must not exceed backoff_max' });
    if (f.poll_interval < 10) ctx.addIssue({ code: 'custom', path: ['poll_interval'], message: 'must be at least 10ms' });
    if (f.timeout < 1000) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must be at least 1s' });
  });

export type ForwardConfig = z.output<typeof forwardSchema>;
export type ForwardOutputConfig = z.output<typeof outputSchema>;
