// Sysmon for Linux's syslog records (`sysmon: <Event>…</Event>`) normalize as Windows events do:
// Channel, EventID and the Data fields by name in attributes, the image in process.
import { expect, test } from 'vitest';
import { normalizeMessageWithTrace } from '../../../src/core/normalize.js';

const source = { kind: 'kafka' as const, topic: 'syslog', partition: 0, offset: '1' };
const parse = (line: string) => normalizeMessageWithTrace(Buffer.from(line), { source, receivedAt: Date.UTC(2026, 11, 7), maxBytes: 1 << 20 });

const XML =
  '<Event><System><Provider Name="Linux-Sysmon" Guid="{ff032593-a8d3-4f13-b0d6-01fc615a0f97}"/><EventID>3</EventID><Version>5</Version>' +
  '<TimeCreated SystemTime="2026-06-08T05:28:19.188276000Z"/><EventRecordID>7</EventRecordID><Channel>Linux-Sysmon/Operational</Channel>' +
  '<Computer>lx-1</Computer></System><EventData><Data Name="Image">/usr/bin/curl</Data><Data Name="ProcessId">42</Data>' +
  '<Data Name="CommandLine">curl -H &quot;a: b&quot; &amp;&amp; echo &lt;x&gt; &#x41;&#66;</Data><Data Name="DestinationIp">169.254.169.254</Data>' +
  '<Data Name="DestinationPort">80</Data><Data Name="Empty"/></EventData></Event>';

test('a Sysmon for Linux record: Windows-event names in attributes, entities decoded, time from the event', () => {
  const { event, trace } = parse(`Jun  8 05:28:19 lx-1 sysmon: ${XML}`);
  expect(trace.parser).toBe('syslog-file>sysmon-linux');
  expect(event.ts).toBe(Date.parse('2026-06-08T05:28:19.188Z'));
  expect(event).toMatchObject({ host: 'lx-1', process: '/usr/bin/curl', pid: 42, dst_ip: '169.254.169.254', dst_port: 80 });
  expect(event.attributes).toMatchObject({
    EventID: 3,
    Channel: 'Linux-Sysmon/Operational',
    Provider_Name: 'Linux-Sysmon',
    CommandLine: 'curl -H "a: b" && echo <x> AB',
    Empty: null,
  });
});

test.each([
  ['not XML', 'sysmon: starting up'],
  ['no Channel', 'sysmon: <Event><System><EventID>1</EventID></System><EventData></EventData></Event>'],
  ['cut short', `sysmon: ${XML.slice(0, 200)}`],
])('%s: left as a plain syslog line', (_name, text) => {
  const { event, trace } = parse(`Jun  8 05:28:19 lx-1 ${text}`);
  expect(trace.parser).toBe('syslog-file');
  expect(event.process).toBe('sysmon');
  expect(event.attributes.Channel).toBeUndefined();
});
