// The records of one Linux audit event joined in message order: audit.log lines as auditd
// writes them for an execve (SYSCALL, EXECVE, CWD, PATH, PATH, PROCTITLE, EOE), one message
// each, and SigmaHQ's linux process_creation rule "Decode Base64 Encoded Text" (Image and
// CommandLine) firing on the EXECVE record once it carries the SYSCALL's exe.
import { describe, expect, test } from 'vitest';
import type { NormalizedEvent } from '../../../src/core/event.js';
import { normalizeMessage } from '../../../src/core/normalize.js';
import { AuditEventJoiner } from '../../../src/core/recognize/auditd-join.js';
import { compileSigmaCollection } from '../../../src/core/rules/sigma/collection.js';
import { sigmaCtx } from '../rules/sigma/sigma-kit.js';

const source = { kind: 'kafka' as const, topic: 'audit', partition: 0, offset: '1' };
const norm = (line: string): NormalizedEvent => normalizeMessage(Buffer.from(line), { source, receivedAt: 1_700_000_030_000, maxBytes: 1 << 20 });

/** `base64 -d "/tmp/my payload.b64"` run by uid 0 from a login of uid 1000; the path hex-encoded (it has a blank). */
function execve(serial: number, sec = 1700000000, node = 'web1'): string[] {
  const stamp = `msg=audit(${sec}.123:${serial}):`;
  return [
    `node=${node} type=SYSCALL ${stamp} arch=c000003e syscall=59 success=yes exit=0 a0=55d5c6a0e0a0 a1=55d5c6a0e120 a2=55d5c6a0e140 a3=8 items=2 ppid=2210 pid=2250 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="base64" exe="/usr/bin/base64" subj=unconfined key="exec"`,
    `node=${node} type=EXECVE ${stamp} argc=3 a0="base64" a1="-d" a2=2F746D702F6D79207061796C6F61642E623634`,
    `node=${node} type=CWD ${stamp} cwd="/root"`,
    `node=${node} type=PATH ${stamp} item=0 name="/usr/bin/base64" inode=1835137 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0`,
    `node=${node} type=PATH ${stamp} item=1 name="/lib64/ld-linux-x86-64.so.2" inode=1835020 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0`,
    `node=${node} type=PROCTITLE ${stamp} proctitle=626173653634002D64002F746D702F6D79207061796C6F61642E623634`,
    `node=${node} type=EOE ${stamp}`,
  ];
}

const data = (e: NormalizedEvent) => (e.attributes['auditd'] as { data: Record<string, string> }).data;
const auditd = (e: NormalizedEvent) => e.attributes['auditd'] as Record<string, unknown>;
const joinAll = (lines: string[], j = new AuditEventJoiner()) => lines.map((l) => j.join(norm(l)));

/** SigmaHQ rules/linux/process_creation/proc_creation_lnx_base64_decode.yml (DRL 1.1). */
const BASE64 = {
  title: 'Decode Base64 Encoded Text',
  id: 'e2072cab-8c9a-459b-b63c-40ae79e27031',
  status: 'test',
  author: 'Daniil Yugoslavskiy, oscd.community',
  logsource: { category: 'process_creation', product: 'linux' },
  detection: { selection: { 'Image|endswith': '/base64', 'CommandLine|contains': '-d' }, condition: 'selection' },
  level: 'low',
};

describe('one execve event', () => {
  const events = joinAll(execve(4567));
  const [syscall, exec, cwd, path0, path1, title, eoe] = events as [NormalizedEvent, NormalizedEvent, NormalizedEvent, NormalizedEvent, NormalizedEvent, NormalizedEvent, NormalizedEvent];

  test('the EXECVE record carries what its SYSCALL said, its own arguments unchanged', () => {
    expect(data(exec)).toMatchObject({ argc: '3', a0: 'base64', a1: '-d', a2: '/tmp/my payload.b64', exe: '/usr/bin/base64', comm: 'base64', uid: '0', auid: '1000', euid: '0', pid: '2250', ppid: '2210', ses: '3', key: 'exec', syscall: '59' });
    expect(data(exec)['a3']).toBeUndefined(); // the SYSCALL's raw register arguments stay there
    expect(data(exec)['items']).toBeUndefined();
    expect(auditd(exec)['joined']).toEqual(['SYSCALL']);
  });

  test('later records get the SYSCALL, and those after CWD its cwd; the SYSCALL and EOE stay as they were', () => {
    expect(data(cwd)).toMatchObject({ cwd: '/root', exe: '/usr/bin/base64' });
    expect(data(path0)).toMatchObject({ item: '0', name: '/usr/bin/base64', exe: '/usr/bin/base64', cwd: '/root', pid: '2250' });
    expect(auditd(path1)['joined']).toEqual(['SYSCALL', 'CWD']);
    expect(data(title)).toMatchObject({ proctitle: 'base64 -d /tmp/my payload.b64', exe: '/usr/bin/base64' });
    expect(data(exec)['cwd']).toBeUndefined(); // CWD comes after EXECVE
    expect(auditd(syscall)['joined']).toBeUndefined();
    expect(auditd(eoe)['joined']).toBeUndefined();
  });

  test('SigmaHQ\'s base64 process_creation rule fires once, on the EXECVE record; not without the join', () => {
    const { rules, errors } = compileSigmaCollection([{ file: 'b.yml', index: 0, doc: BASE64 }], sigmaCtx({ sigmaPresets: true }));
    expect(errors).toEqual([]);
    const rule = rules[0]!;
    const findings = rule.evaluate(events, rule.initialState());
    expect(findings.map((f) => f.event_indexes)).toEqual([[1]]);
    expect(findings[0]!.matched).toMatchObject({ Image: '/usr/bin/base64', CommandLine: 'base64 -d /tmp/my payload.b64' });
    const unjoined = execve(4567).map(norm);
    expect(rule.evaluate(unjoined, rule.initialState())).toEqual([]);
  });
});

describe('what is joined with what', () => {
  test('the records of two events interleaved join by serial', () => {
    const a = execve(100);
    const b = execve(101).map((l) => l.replace('exe="/usr/bin/base64"', 'exe="/usr/bin/curl"'));
    const out = joinAll([a[0]!, b[0]!, b[1]!, a[1]!]);
    expect(data(out[2]!)['exe']).toBe('/usr/bin/curl');
    expect(data(out[3]!)['exe']).toBe('/usr/bin/base64');
  });

  test('another host\'s record with the same serial is not joined', () => {
    const out = joinAll([execve(7, 1700000000, 'web1')[0]!, execve(7, 1700000000, 'web2')[1]!]);
    expect(auditd(out[1]!)['joined']).toBeUndefined();
    expect(data(out[1]!)['exe']).toBeUndefined();
  });

  test('EOE ends the event: a record of that serial after it is not joined', () => {
    const l = execve(8);
    const out = joinAll([l[0]!, l[6]!, l[1]!]);
    expect(data(out[2]!)['exe']).toBeUndefined();
  });

  test('a record later than the time limit (audit time) is not joined', () => {
    const out = joinAll([execve(9, 1700000000)[0]!, execve(10, 1700000011)[0]!, execve(9, 1700000000)[1]!]);
    expect(data(out[2]!)['exe']).toBeUndefined();
    const within = joinAll([execve(9, 1700000000)[0]!, execve(10, 1700000009)[0]!, execve(9, 1700000000)[1]!]);
    expect(data(within[2]!)['exe']).toBe('/usr/bin/base64');
  });

  test('bounded: the oldest open event of a host, and the least recent host, go first', () => {
    const j = new AuditEventJoiner({ maxPerHost: 2, maxHosts: 2 });
    joinAll([execve(1)[0]!, execve(2)[0]!, execve(3)[0]!], j);
    expect(j.size).toBe(2);
    expect(data(j.join(norm(execve(1)[1]!)))['exe']).toBeUndefined();
    expect(data(j.join(norm(execve(3)[1]!)))['exe']).toBe('/usr/bin/base64');
    joinAll([execve(5, 1700000000, 'b')[0]!, execve(6, 1700000000, 'c')[0]!], j);
    expect(j.size).toBe(2); // web1 was the least recent host
    expect(data(j.join(norm(execve(2)[1]!)))['exe']).toBeUndefined();
    expect(data(j.join(norm(execve(6, 1700000000, 'c')[1]!)))['exe']).toBe('/usr/bin/base64');
  });

  test('events that are no audit records, or have no serial (journald), pass as they are', () => {
    const j = new AuditEventJoiner();
    for (const line of ['<13>Dec  7 10:00:00 web1 sshd[1]: Accepted password for bob from 203.0.113.5 port 4 ssh2', '{"msg":"x"}']) {
      const e = norm(line);
      expect(j.join(e)).toBe(e);
    }
    expect(j.size).toBe(0);
  });
});
