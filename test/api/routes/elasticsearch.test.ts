// The Elasticsearch endpoint's pure parts: which paths are its, and the token in the shippers'
// Authorization headers (edges first).
import { describe, expect, test } from 'vitest';
import { isElasticsearchPath, shipperToken } from '../../../src/api/routes/elasticsearch.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('shipperToken', () => {
  test.each<[string, string, string | null]>([
    ['empty', '', null],
    ['Bearer is left alone', 'Bearer abc.def.ghi', null],
    ['Basic without a colon', `Basic ${b64('justtoken')}`, null],
    ['Basic with an empty password', `Basic ${b64('user:')}`, null],
    ['Basic: the password', `Basic ${b64('filebeat:abc.def.ghi')}`, 'abc.def.ghi'],
    ['Basic: an empty user name is fine', `Basic ${b64(':abc.def.ghi')}`, 'abc.def.ghi'],
    ['Basic: a password with colons keeps them', `Basic ${b64('u:a:b')}`, 'a:b'],
    ['basic in lower case', `basic ${b64('u:tok')}`, 'tok'],
    ['ApiKey: the key', `ApiKey ${b64('VuaCfGcBCdbkQm-e5aOx:abc.def.ghi')}`, 'abc.def.ghi'],
    ['ApiKey with base64url characters', `ApiKey ${Buffer.from('id:tok?>').toString('base64url')}`, 'tok?>'],
    ['not base64 at all', 'Basic ***', null],
    ['another scheme', `Digest ${b64('u:p')}`, null],
  ])('%s', (_n, header, want) => {
    expect(shipperToken(header)).toBe(want);
  });
});

describe('isElasticsearchPath', () => {
  test.each<[string, boolean]>([
    ['/', true],
    ['/_bulk', true],
    ['/_license', true],
    ['/_index_template/filebeat-8.19.0', true],
    ['/logs-generic-default/_bulk', true],
    ['/a/b/_bulk', false],
    ['/api/v1/ingest', false],
    ['/api/v1/logs', false],
    ['/logs', false],
    ['/healthz', false],
    ['', false],
  ])('%s: %s', (p, want) => {
    expect(isElasticsearchPath(p)).toBe(want);
  });
});
