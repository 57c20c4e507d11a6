/**
 * The OTLP logs messages as a protobufjs JSON descriptor: the subset of
 * opentelemetry-proto that POST /v1/logs reads and answers with —
 * opentelemetry/proto/collector/logs/v1/logs_service.proto (ExportLogsServiceRequest/Response),
 * logs/v1/logs.proto, common/v1/common.proto and resource/v1/resource.proto.
 *
 * Source: https://github.com/open-telemetry/opentelemetry-proto (v1.x, stable logs signal);
 * those definitions are © OpenTelemetry Authors, Apache License 2.0. Only names and field numbers
 * are restated here (no proto text copied). Fields logagg does not read (dropped counts,
 * entity_refs, the deprecated instrumentation_library_logs 1000) are left out: protobuf skips
 * unknown fields, so newer senders still decode.
 */
import protobuf from 'protobufjs';

const f = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });

export const OTLP_LOGS_DESCRIPTOR = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
          fields: {
            stringValue: f(1, 'string'),
            boolValue: f(2, 'bool'),
            intValue: f(3, 'int64'),
            doubleValue: f(4, 'double'),
            arrayValue: f(5, 'ArrayValue'),
            kvlistValue: f(6, 'KeyValueList'),
            bytesValue: f(7, 'bytes'),
          },
        },
        ArrayValue: { fields: { values: f(1, 'AnyValue', 'repeated') } },
        KeyValueList: { fields: { values: f(1, 'KeyValue', 'repeated') } },
        KeyValue: { fields: { key: f(1, 'string'), value: f(2, 'AnyValue') } },
        InstrumentationScope: { fields: { name: f(1, 'string'), version: f(2, 'string'), attributes: f(3, 'KeyValue', 'repeated') } },
        Resource: { fields: { attributes: f(1, 'KeyValue', 'repeated') } },
        LogRecord: {
          fields: {
            timeUnixNano: f(1, 'fixed64'),
            severityNumber: f(2, 'int32'),
            severityText: f(3, 'string'),
            body: f(5, 'AnyValue'),
            attributes: f(6, 'KeyValue', 'repeated'),
            flags: f(8, 'fixed32'),
            traceId: f(9, 'bytes'),
            spanId: f(10, 'bytes'),
            observedTimeUnixNano: f(11, 'fixed64'),
            eventName: f(12, 'string'),
          },
        },
        ScopeLogs: { fields: { scope: f(1, 'InstrumentationScope'), logRecords: f(2, 'LogRecord', 'repeated'), schemaUrl: f(3, 'string') } },
        ResourceLogs: { fields: { resource: f(1, 'Resource'), scopeLogs: f(2, 'ScopeLogs', 'repeated'), schemaUrl: f(3, 'string') } },
        ExportLogsServiceRequest: { fields: { resourceLogs: f(1, 'ResourceLogs', 'repeated') } },
        ExportLogsPartialSuccess: { fields: { rejectedLogRecords: f(1, 'int64'), errorMessage: f(2, 'string') } },
        ExportLogsServiceResponse: { fields: { partialSuccess: f(1, 'ExportLogsPartialSuccess') } },
        /** google.rpc.Status, the body of OTLP/HTTP error answers (details left out). */
        Status: { fields: { code: f(1, 'int32'), message: f(2, 'string') } },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(OTLP_LOGS_DESCRIPTOR);
export const ExportLogsServiceRequest = root.lookupType('otlp.ExportLogsServiceRequest');
export const ExportLogsServiceResponse = root.lookupType('otlp.ExportLogsServiceResponse');
export const RpcStatus = root.lookupType('otlp.Status');
