/**
 * Loki's push request as a protobufjs JSON descriptor: logproto.PushRequest with
 * StreamAdapter/EntryAdapter from https://github.com/grafana/loki pkg/push/push.proto
 * (earlier pkg/logproto/logproto.proto; © Grafana Labs — Loki is AGPL-3.0-only by default with
 * some folders Apache-2.0, see its LICENSING.md). Only message names and field numbers, the wire
 * interface every Loki client implements, are restated here; no proto text is copied. Plus
 * google.protobuf.Timestamp. `hash`, `parsed` and `format` are not read (unknown fields are skipped).
 */
import protobuf from 'protobufjs';

const f = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });

export const LOKI_PUSH_DESCRIPTOR = {
  nested: {
    logproto: {
      nested: {
        Timestamp: { fields: { seconds: f(1, 'int64'), nanos: f(2, 'int32') } },
        LabelPairAdapter: { fields: { name: f(1, 'string'), value: f(2, 'string') } },
        EntryAdapter: { fields: { timestamp: f(1, 'Timestamp'), line: f(2, 'string'), structuredMetadata: f(3, 'LabelPairAdapter', 'repeated') } },
        StreamAdapter: { fields: { labels: f(1, 'string'), entries: f(2, 'EntryAdapter', 'repeated') } },
        PushRequest: { fields: { streams: f(1, 'StreamAdapter', 'repeated') } },
      },
    },
  },
};

export const PushRequest = protobuf.Root.fromJSON(LOKI_PUSH_DESCRIPTOR).lookupType('logproto.PushRequest');
