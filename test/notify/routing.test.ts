import { describe, expect, test } from 'vitest';
import { routeAlert, routeMatches, type RouteConfig, type RoutedAlert } from '../../src/notify/routing.js';

const route = (over: Partial<RouteConfig> = {}): RouteConfig => ({ channels: ['c'], min_severity: null, severities: [], rules: [], hosts: [], ...over });
const alert = (over: Partial<RoutedAlert> = {}): RoutedAlert => ({ severity: 'HIGH', rule_id: 'cpu-high', host: 'web-1', ...over });

describe('routeMatches', () => {
  test.each<[string, Partial<RouteConfig>, Partial<RoutedAlert>, boolean]>([
    ['a route without conditions matches everything', {}, {}, true],
    ['... even an alert without a host', {}, { host: null }, true],
    ['min_severity: equal matches', { min_severity: 'HIGH' }, {}, true],
    ['min_severity: above matches', { min_severity: 'MEDIUM' }, {}, true],
    ['min_severity: below does not', { min_severity: 'CRITICAL' }, {}, false],
    ['severities: listed', { severities: ['LOW', 'HIGH'] }, {}, true],
    ['severities: not listed', { severities: ['LOW'] }, {}, false],
    ['rules: exact', { rules: ['cpu-high'] }, {}, true],
    ['rules: glob', { rules: ['sigma.*', 'cpu-*'] }, {}, true],
    ['rules: no glob matches', { rules: ['sigma.*'] }, {}, false],
    ['rules are case-sensitive', { rules: ['CPU-high'] }, {}, false],
    ['hosts: glob', { hosts: ['web-?'] }, {}, true],
    ['hosts: patterns are lower-cased (hosts are stored lower-case)', { hosts: ['WEB-*'] }, {}, true],
    ['hosts: no match', { hosts: ['db-*'] }, {}, false],
    ['hosts given: an alert without a host does not match', { hosts: ['*'] }, { host: null }, false],
    ['every condition must hold', { min_severity: 'HIGH', rules: ['cpu-*'], hosts: ['db-*'] }, {}, false],
    ['every condition holds', { min_severity: 'HIGH', rules: ['cpu-*'], hosts: ['web-*'], severities: ['HIGH'] }, {}, true],
  ])('%s', (_n, r, a, want) => {
    expect(routeMatches(route(r), alert(a))).toBe(want);
  });
});

describe('routeAlert', () => {
  const channels = ['hook', 'slack', 'pager'];
  test('no routes: every channel', () => {
    expect(routeAlert([], channels, alert())).toEqual(channels);
  });
  test('no channels: none', () => {
    expect(routeAlert([], [], alert())).toEqual([]);
  });
  test('the union of matching routes, each channel once, in config order', () => {
    const routes = [route({ channels: ['pager', 'slack'], min_severity: 'HIGH' }), route({ channels: ['slack'] }), route({ channels: ['hook'], severities: ['LOW'] })];
    expect(routeAlert(routes, channels, alert())).toEqual(['slack', 'pager']);
    expect(routeAlert(routes, channels, alert({ severity: 'LOW' }))).toEqual(['hook', 'slack']);
  });
  test('routes exist but none matches: no channel', () => {
    expect(routeAlert([route({ channels: ['pager'], min_severity: 'CRITICAL' })], channels, alert())).toEqual([]);
  });
});
