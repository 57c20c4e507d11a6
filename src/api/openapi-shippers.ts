/**
 * The OpenAPI path items of POST /v1/logs and POST /loki/api/v1/push (routes/shipper-push.ts),
 * stating what the decoders (src/listen/otlp-logs.ts, loki-push.ts) accept: unknown fields are
 * ignored (OTLP, Loki), null is read as absent (proto3 JSON), every known field is type-checked.
 */
import type { IngestLimits } from './openapi.js';

type Obj = Record<string, unknown>;

const orNull = (schema: Obj): Obj => ({ anyOf: [schema, { type: 'null' }] });
const arr = (items: Obj): Obj => orNull({ type: 'array', items });
const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });
const NANOS: Obj = orNull({ anyOf: [{ type: 'string', pattern: '^\\d{1,20}$' }, { type: 'integer', minimum: 0 }] });

/** Component schemas of OTLP/JSON (opentelemetry-proto's JSON mapping, lowerCamelCase keys). */
export const OTLP_JSON_SCHEMAS: Record<string, Obj> = {
  OtlpAnyValue: {
    type: 'object',
    description: 'One of the fields; the first set (in this order) is the value.',
    properties: {
      stringValue: orNull({ type: 'string' }),
      boolValue: orNull({ type: 'boolean' }),
      intValue: orNull({ anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?\\d{1,20}$' }] }),
      doubleValue: orNull({ type: 'number' }),
      arrayValue: orNull({ type: 'object', properties: { values: arr(ref('OtlpAnyValue')) } }),
      kvlistValue: orNull({ type: 'object', properties: { values: arr(ref('OtlpKeyValue')) } }),
      bytesValue: orNull({ type: 'string', description: 'base64' }),
    },
  },
  OtlpKeyValue: { type: 'object', required: ['key'], properties: { key: { type: 'string' }, value: orNull(ref('OtlpAnyValue')) } },
  OtlpLogRecord: {
    type: 'object',
    properties: {
      timeUnixNano: NANOS,
      observedTimeUnixNano: NANOS,
      severityNumber: orNull({ type: 'integer', minimum: -2147483648, maximum: 2147483647 }),
      severityText: orNull({ type: 'string' }),
      eventName: orNull({ type: 'string' }),
      body: orNull(ref('OtlpAnyValue')),
      attributes: arr(ref('OtlpKeyValue')),
      flags: orNull({ type: 'integer', minimum: 0, maximum: 4294967295 }),
      traceId: orNull({ type: 'string', pattern: '^(?:[0-9a-fA-F]{2})*$', description: 'hex; a record whose id is not 16 bytes is refused (partial_success)' }),
      spanId: orNull({ type: 'string', pattern: '^(?:[0-9a-fA-F]{2})*$', description: 'hex; a record whose id is not 8 bytes is refused (partial_success)' }),
    },
  },
  OtlpExportLogsServiceRequest: {
    type: 'object',
    properties: {
      resourceLogs: arr({
        type: 'object',
        properties: {
          resource: orNull({ type: 'object', properties: { attributes: arr(ref('OtlpKeyValue')) } }),
          scopeLogs: arr({
            type: 'object',
            properties: {
              scope: orNull({ type: 'object', properties: { name: orNull({ type: 'string' }), version: orNull({ type: 'string' }), attributes: arr(ref('OtlpKeyValue')) } }),
              logRecords: arr(ref('OtlpLogRecord')),
            },
          }),
        },
      }),
    },
  },
};

const BINARY: Obj = { type: 'string', format: 'binary' };

/** An OTLP/HTTP refusal: google.rpc.Status in the request's encoding (code 3, INVALID_ARGUMENT). */
const otlpStatus = (description: string): Obj => ({
  description,
  content: {
    'application/json': {
      schema: { type: 'object', required: ['code', 'message'], additionalProperties: false, properties: { code: { type: 'integer', const: 3 }, message: { type: 'string' } } },
    },
    'application/x-protobuf': { schema: { ...BINARY, description: 'google.rpc.Status' } },
  },
});

export function shipperPathItems(limits: IngestLimits, errors: Obj, problem: (d: string) => Obj): Record<string, Obj> {
  const security = [{ bearerAuth: [] }, { basicAuth: [] }];
  const common = 'Role ingest: Bearer, or HTTP Basic with the token as password (any user name). Content-Encoding gzip is taken. Stored like POST /api/v1/ingest: one transaction, answered after the commit (a 2xx means durable, any other answer means nothing stored). A request whose endpoint and decoded body equal one stored within listeners.http.idempotency_window is taken as a retry: answered the same, nothing stored again.';
  const sizes = `At most ${limits.maxBodyBytes} bytes as sent and once decompressed, and ${limits.maxLines} records.`;
  return {
    '/v1/logs': {
      post: {
        operationId: 'otlpLogs',
        summary: `OTLP/HTTP logs export (ExportLogsServiceRequest, protobuf or JSON). Each record is one event: resource, scope and record attributes, severity, body, trace and span ids mapped (docs: the ingest chapter). ${common} ${sizes}`,
        security,
        requestBody: {
          required: true,
          content: {
            'application/x-protobuf': { schema: BINARY },
            'application/json': { schema: ref('OtlpExportLogsServiceRequest') },
          },
        },
        responses: {
          ...errors,
          '200': {
            description: 'ExportLogsServiceResponse in the request’s encoding; partialSuccess counts the records refused (bad trace or span id length, nothing in them).',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    partialSuccess: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['rejectedLogRecords', 'errorMessage'],
                      properties: { rejectedLogRecords: { type: 'integer', minimum: 1 }, errorMessage: { type: 'string' } },
                    },
                  },
                },
              },
              'application/x-protobuf': { schema: BINARY },
            },
          },
          '400': otlpStatus('The body is not an ExportLogsServiceRequest in the encoding named (or not gzip when Content-Encoding says so).'),
          '413': otlpStatus('Body larger than listeners.http.max_body_bytes (as sent or decompressed), or more records than listeners.http.max_lines.'),
          '415': otlpStatus('Another media type (answered in JSON), or a Content-Encoding other than gzip.'),
        },
      },
    },
    '/loki/api/v1/push': {
      post: {
        operationId: 'lokiPush',
        summary: `Loki push: JSON, or logproto.PushRequest in protobuf compressed with snappy. Each line is one event; stream labels host/hostname/instance, job/app/service_name and level/severity/detected_level mapped, the line read by the recognizers. ${common} ${sizes}`,
        security,
        requestBody: {
          required: true,
          content: {
            'application/x-protobuf': { schema: { ...BINARY, description: 'snappy block format' } },
            'application/json': {
              schema: {
                type: 'object',
                required: ['streams'],
                properties: {
                  streams: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['values'],
                      properties: {
                        stream: orNull({ type: 'object', additionalProperties: { type: 'string' } }),
                        values: {
                          type: 'array',
                          items: {
                            type: 'array',
                            minItems: 2,
                            maxItems: 3,
                            prefixItems: [
                              { type: 'string', pattern: '^\\d{1,20}$', description: 'unix epoch nanoseconds' },
                              { type: 'string', description: 'the line' },
                              { type: 'object', additionalProperties: { type: 'string' }, description: 'structured metadata' },
                            ],
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        responses: {
          ...errors,
          '204': { description: 'Stored.' },
          '400': problem('The body is not a push request in the encoding named (protobuf not snappy-compressed, a label string that does not parse).'),
          '413': problem('Body larger than listeners.http.max_body_bytes (as sent or decompressed), or more lines than listeners.http.max_lines.'),
          '415': problem('Another media type, or a Content-Encoding other than gzip.'),
        },
      },
    },
  };
}
