/**
 * Reading request bodies with a size limit: 413 past the limit (checked on Content-Length
 * first, then while reading); for JSON objects also 415 for another media type, 400 for bad JSON.
 */
import type { Context } from 'koa';
import { badRequest } from '../errors.js';
import { HttpProblem } from './problem.js';

/** How a route answers a body past its limit. */
export interface BodyLimit {
  limitBytes: number;
  /** Appended to the 413 message: where the limit is set, what to send instead. */
  hint?: string;
  /**
   * Also close the connection when Content-Length alone is over the limit (the body is then not
   * read at all); past the limit while reading, the connection is always closed.
   */
  closeOnDeclared?: boolean;
}

/** The raw request body, refused with 413 past the limit (Content-Length first, then while reading). */
export async function readBody(ctx: Context, limit: BodyLimit): Promise<Buffer> {
  const { limitBytes } = limit;
  const tooLarge = () => new HttpProblem(413, 'payload-too-large', `the body is larger than ${limitBytes} bytes${limit.hint ?? ''}`, { param: 'body' });
  const declared = Number(ctx.get('Content-Length') || NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    if (limit.closeOnDeclared === true) ctx.set('Connection', 'close');
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      // Stop reading; the connection is closed after the answer so the rest is not read as a request.
      ctx.set('Connection', 'close');
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export async function readJsonObject(ctx: Context, limitBytes: number): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) {
    throw new HttpProblem(415, 'unsupported-media-type', 'send the body as JSON with Content-Type: application/json');
  }
  const body = await readBody(ctx, { limitBytes });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('body', 'not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('body', 'must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Refuses fields other than the allowed ones, naming the first unknown one. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) throw badRequest(k, `unknown field; the body takes ${allowed.join(', ')}`);
  }
}
