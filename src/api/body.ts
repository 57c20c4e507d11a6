/**
 * Reading a JSON request body with a size limit: 415 for another media type, 413 past the
 * limit (checked on Content-Length first, then while reading), 400 for bad JSON.
 */
import type { Context } from 'koa';
import { badRequest } from '../errors.js';
import { HttpProblem } from './problem.js';

export async function readJsonObject(ctx: Context, limitBytes: number): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) {
    throw new HttpProblem(415, 'unsupported-media-type', 'send the body as JSON with Content-Type: application/json');
  }
  const declared = Number(ctx.get('Content-Length') || NaN);
  const tooLarge = () => new HttpProblem(413, 'payload-too-large', `the body is larger than ${limitBytes} bytes`, { param: 'body' });
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      // Stop reading; the connection is closed after the answer so the rest is not parsed as a request.
      ctx.set('Connection', 'close');
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
