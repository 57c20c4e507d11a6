import { describe, expect, test } from 'vitest';
import { HttpProblem, problemForStatus, problemFromError } from '../../src/api/problem.js';
import { badRequest, LogaggError } from '../../src/errors.js';
import { AlertStateConflict } from '../../src/store/alert-store.js';

const from = (e: unknown) => problemFromError(e, '/api/v1/logs', 'req-1');

describe('problemFromError', () => {
  test.each<[string, unknown, number, string, boolean]>([
    ['a bad parameter', badRequest('limit', 'too big'), 400, 'bad-request', false],
    ['not found', new LogaggError('NOT_FOUND', 'no log with id 5'), 404, 'not-found', false],
    ['a query past its budget', new LogaggError('QUERY_TIMEOUT', 'took too long'), 503, 'query-timeout', false],
    ['a busy store', new LogaggError('STORE_UNAVAILABLE', 'locked', { canRetry: true }), 503, 'unavailable', false],
    ['a broken store', new LogaggError('STORE_FAILED', 'disk I/O error at /secret/path'), 500, 'internal', true],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'x')"), 500, 'internal', true],
    ['a thrown string', 'boom', 500, 'internal', true],
    ['null', null, 500, 'internal', true],
    ['an http-error 4xx (exposed)', Object.assign(new Error('Bad Request'), { status: 400, expose: true }), 400, 'bad-request', false],
    ['an http-error 5xx (hidden)', Object.assign(new Error('secret detail'), { status: 502, expose: false }), 500, 'internal', true],
    ['our own 409', new HttpProblem(409, 'conflict', 'no', { param: 'state' }), 409, 'conflict', false],
    ['a state conflict from the store', new AlertStateConflict(3, 'resolved', 'acknowledged'), 409, 'conflict', false],
  ])('%s', (_n, err, status, kind, internal) => {
    const p = from(err);
    expect(p.status).toBe(status);
    expect(p.body.type).toBe(`urn:logagg:problem:${kind}`);
    expect(p.body.status).toBe(status);
    expect(p.body.request_id).toBe('req-1');
    expect(p.body.instance).toBe('/api/v1/logs');
    expect(p.internal).toBe(internal);
    if (internal) {
      expect(p.body.detail).toContain('req-1');
      expect(p.body.detail).not.toMatch(/secret|Cannot read|disk/);
    }
  });

  test('the parameter of a bad request is named; 503 and 429 carry Retry-After', () => {
    expect(from(badRequest('host', 'x')).body.param).toBe('host');
    expect(from(new AlertStateConflict(3, 'resolved', 'acknowledged')).body).toMatchObject({ param: 'state', detail: 'alert 3 is resolved; it cannot become acknowledged (reopen it first)' });
    expect(from(new LogaggError('QUERY_TIMEOUT', 'x')).headers['Retry-After']).toBe('1');
    expect(from(new HttpProblem(429, 'rate-limited', 'x', { headers: { 'Retry-After': '7' } })).headers['Retry-After']).toBe('7');
  });

  test('problemForStatus', () => {
    expect(problemForStatus(405, 'd', '/x', 'r').body).toEqual({ type: 'urn:logagg:problem:method-not-allowed', title: 'Method not allowed', status: 405, detail: 'd', instance: '/x', request_id: 'r' });
    expect(problemForStatus(418, 'd', '/x', 'r').body.type).toBe('urn:logagg:problem:bad-request');
  });
});
