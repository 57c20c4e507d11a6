import { describe, expect, test } from 'vitest';
import { sendSlack, slackEscape, slackHeadline, slackRequest } from '../../../src/notify/channels/slack.js';
import { httpSender } from '../../../src/notify/http-send.js';
import { startEndpoint } from '../endpoint.js';
import { message } from '../fixtures.js';

test.each<[string, string]>([
  ['', ''],
  ['plain', 'plain'],
  ['<!channel> & <http://evil|click>', '&lt;!channel&gt; &amp; &lt;http://evil|click&gt;'],
])('slackEscape(%j)', (s, want) => {
  expect(slackEscape(s)).toBe(want);
});

describe('slackHeadline per kind', () => {
  test.each<[Parameters<typeof message>[0], string]>([
    [{ kind: 'trigger' }, 'Alert: [HIGH] CPU above 90% on web-01'],
    [{ kind: 'renotify' }, 'Still open: [HIGH] CPU above 90% on web-01'],
    [{ kind: 'escalate', previous_severity: 'MEDIUM' }, 'Escalated MEDIUM → HIGH: CPU above 90% on web-01'],
    [{ kind: 'resolve' }, 'Resolved: [HIGH] CPU above 90% on web-01'],
  ])('%j', (over, want) => {
    expect(slackHeadline(message(over))).toBe(want);
  });
});

describe('slackRequest', () => {
  test('a readable message: text fallback, severity, host, rule, count, times, link', () => {
    const body = JSON.parse(slackRequest(message()).body);
    expect(body.text).toBe(':rotating_light: Alert: [HIGH] CPU above 90% on web-01 (rule cpu-high, count 3)');
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: *Alert: [HIGH] CPU above 90% on web-01*' } });
    expect(body.blocks[1].fields.map((f: { text: string }) => f.text)).toEqual([
      '*Severity*\n:large_orange_circle: HIGH',
      '*Host*\nweb-01',
      '*Rule*\nCPU high (cpu-high)',
      '*Count*\n3',
      '*First seen*\n2025-01-15T12:00:00.000Z',
      '*Last seen*\n2025-01-15T12:01:00.000Z',
    ]);
    expect(body.blocks[2]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '<https://dash.example.com/alerts/7|Open alert #7 in logagg>' }] });
  });

  test('resolved: who resolved it and the comment', () => {
    const body = JSON.parse(slackRequest(message({ kind: 'resolve' }, { state: 'resolved', state_changed_by: 'ana', comment: 'fixed <it>' })).body);
    expect(body.text).toMatch(/^:white_check_mark: Resolved: \[HIGH\] .* by ana \(rule cpu-high, count 3\)$/);
    expect(body.blocks[2].elements[1].text).toBe('Comment: fixed &lt;it&gt;');
  });

  test('without a dashboard URL: no link; without a host: a dash', () => {
    const body = JSON.parse(slackRequest(message({ link: null }, { host: null })).body);
    expect(body.blocks[2].elements[0].text).toBe('Alert #7 in logagg');
    expect(body.blocks[1].fields[1].text).toBe('*Host*\n—');
  });

  test('alert fields cannot inject Slack markup', () => {
    const body = JSON.parse(slackRequest(message({}, { title: '<!channel> <https://evil|x>', host: 'a&b' })).body);
    expect(JSON.stringify(body)).not.toMatch(/<!channel>|<https:\/\/evil/);
  });

  test('a link with | or > cannot break out of its markup', () => {
    const body = JSON.parse(slackRequest(message({ link: 'https://d.example/a|b>c/alerts/7' })).body);
    expect(body.blocks[2].elements[0].text).toBe('<https://d.example/a%7Cb%3Ec/alerts/7|Open alert #7 in logagg>');
  });
});

test('sendSlack posts JSON to the incoming webhook', async () => {
  const ep = await startEndpoint();
  await sendSlack({ type: 'slack', name: 's', url: ep.url }, message(), httpSender({ timeoutMs: 2000, secrets: [] }));
  const [r] = await ep.waitFor(1);
  expect(r!.headers['content-type']).toBe('application/json');
  expect(r!.json.blocks).toHaveLength(3);
});
