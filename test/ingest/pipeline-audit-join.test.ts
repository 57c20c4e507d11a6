// IngestPipeline.prepare joins the records of one audit event across messages and batches, in
// message order, before detection sees them.
import { expect, test } from 'vitest';
import { EMPTY_ENRICH_CONTEXT } from '../../src/core/enrich.js';
import type { Committer } from '../../src/ingest/commit-queue.js';
import { IngestPipeline } from '../../src/ingest/pipeline.js';

const stamp = 'msg=audit(1700000000.123:4567):';
const SYSCALL = `node=web1 type=SYSCALL ${stamp} arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=8 items=2 ppid=2210 pid=2250 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="curl" exe="/usr/bin/curl" key="exec"`;
const EXECVE = `node=web1 type=EXECVE ${stamp} argc=2 a0="curl" a1="http://203.0.113.9/x"`;

test('an EXECVE in the next batch carries its SYSCALL\'s exe; detection sees it joined', () => {
  const seen: unknown[] = [];
  const pipeline = new IngestPipeline({
    committer: {} as Committer,
    enrichContext: () => EMPTY_ENRICH_CONTEXT,
    formats: {},
    maxMessageBytes: 1 << 20,
    clock: () => 1_700_000_001_000,
    detector: { detect: (events) => (seen.push(...events.map((e) => (e.attributes['auditd'] as { data: Record<string, string> }).data['exe'])), { findings: [] } as never) },
  });
  const msg = (text: string, offset: string) => ({ value: Buffer.from(text), source: { kind: 'kafka' as const, topic: 'audit', partition: 0, offset } });
  pipeline.prepare([msg(SYSCALL, '1')]);
  const b = pipeline.prepare([msg(EXECVE, '2')]);
  expect((b.events[0]!.attributes['auditd'] as { data: Record<string, string> }).data).toMatchObject({ a0: 'curl', exe: '/usr/bin/curl', uid: '0', auid: '1000' });
  expect(seen).toEqual(['/usr/bin/curl', '/usr/bin/curl']);
});
