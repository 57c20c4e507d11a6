// Validates real answers against the OpenAPI document the server itself serves: the path
// template, the status (or `default`), the media type and the body's JSON Schema.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

type Obj = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v === null || typeof v !== 'object') return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v as Obj)) out[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? `openapi.json${x}` : rewriteRefs(x);
  return out;
}

export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly routes: { re: RegExp; template: string; item: Obj }[];
  private readonly cache = new Map<string, ValidateFunction>();
  /** method + template + status seen, for coverage checks. */
  readonly seen = new Set<string>();

  constructor(readonly doc: Obj) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'openapi.json');
    this.routes = Object.entries(doc.paths as Record<string, Obj>).map(([template, item]) => ({
      template,
      item,
      re: new RegExp('^' + template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
    }));
  }

  /** Throws with a readable message when the answer does not match the document. */
  check(method: string, path: string, status: number, contentType: string, body: unknown): void {
    const route = this.routes.find((r) => r.re.test(path));
    const m = method.toLowerCase();
    if (!route) {
      // Unknown routes are documented by nothing but must still be problems.
      if (status !== 404) throw new Error(`${method} ${path}: not in the OpenAPI document and answered ${status}`);
      return this.validate('#/components/schemas/Problem', body, `${method} ${path} ${status}`);
    }
    const op = route.item[m] as Obj | undefined;
    if (!op) {
      if (status !== 405 && !(m === 'options' && status === 204)) throw new Error(`${method} ${route.template}: not documented, answered ${status}`);
      return;
    }
    const responses = op.responses as Record<string, Obj>;
    const resp = responses[String(status)] ?? responses.default;
    if (!resp) throw new Error(`${method} ${route.template}: status ${status} is not documented`);
    this.seen.add(`${m} ${route.template} ${status}`);
    const content = resp.content as Record<string, { schema: Obj }> | undefined;
    if (!content) return;
    const media = contentType.split(';')[0]!.trim();
    const entry = content[media];
    if (!entry) throw new Error(`${method} ${route.template} ${status}: media type ${media} not documented (documented: ${Object.keys(content).join(', ')})`);
    this.validateSchema(entry.schema, body, `${method} ${route.template} ${status}`);
  }

  /** Compiles one component schema (throws when it or a $ref in it is broken). */
  compileComponent(name: string): ValidateFunction {
    return this.ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
  }

  private validate(ref: string, body: unknown, where: string): void {
    this.validateSchema({ $ref: ref }, body, where);
  }

  private validateSchema(schema: Obj, body: unknown, where: string): void {
    const key = JSON.stringify(schema);
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(rewriteRefs(schema) as Obj);
      this.cache.set(key, fn);
    }
    if (!fn(body)) {
      throw new Error(`${where}: body does not match the OpenAPI document: ${this.ajv.errorsText(fn.errors, { separator: '\n  ' })}\n${JSON.stringify(body).slice(0, 600)}`);
    }
  }
}
