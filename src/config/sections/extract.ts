import { z } from 'zod';
import { FORMATS } from '../../core/event.js';
import { compileExtractors } from '../../core/recognize/extractors.js';

/**
 * The `extract:` section: the operator's own extractors (src/core/recognize/extractors.ts), each
 * a regular expression with named groups or a grok pattern, scoped by topic, program or format,
 * with constant fields. Every pattern is compiled here once, so a bad one stops the start with
 * the extractor's key, its name and the problem. config/default.yaml documents the keys;
 * docs/recognized-logs.md explains them.
 */

const nonEmpty = z.string().min(1, 'must not be empty');

const extractorSchema = z.strictObject({
  /** Shown by `logagg parse` as `extractor:<name>`. */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" or "-", e.g. myapp-login'),
  /** Topics (or listener names) whose messages it reads; none = every topic. */
  topics: z.array(nonEmpty).optional(),
  /** Programs (the event's process, e.g. sshd) whose messages it reads, after the built-in decoder; none = the whole line. */
  programs: z.array(nonEmpty).optional(),
  /** The topic's format setting (kafka.formats; auto when not pinned); none = any. */
  formats: z.array(z.enum([...FORMATS, 'auto'])).optional(),
  /** A regular expression with named groups: (?<src_ip>\S+), (?<http.response.status_code:int>\d+). */
  regex: nonEmpty.optional(),
  /** A grok pattern: %{IP:src_ip} %{USER:user} %{INT:bytes:int}. */
  grok: nonEmpty.optional(),
  /** Fields set when it matches, e.g. { event.action: login, event.outcome: failure }. */
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const extractSchema = z
  .strictObject({
    /** Grok patterns of your own, usable as %{NAME} in every extractor: { MYAPP_ID: '[A-Z]{3}-[0-9]+' }. */
    patterns: z.record(z.string(), z.string()).default({}),
    /** The extractors, tried in this order (the first that matches a message wins). */
    extractors: z.array(extractorSchema).default([]),
  })
  .prefault({})
  .superRefine((cfg, ctx) => {
    const r = compileExtractors(cfg);
    if (r.ok) return;
    for (const p of r.problems) {
      if (p.index < 0) ctx.addIssue({ code: 'custom', path: ['patterns', p.name], message: p.message });
      else ctx.addIssue({ code: 'custom', path: ['extractors', p.index, p.key], message: `extractor "${p.name}": ${p.message}` });
    }
  });

export type ExtractConfig = z.output<typeof extractSchema>;
