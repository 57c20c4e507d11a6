import { describe, expect, test } from 'vitest';
import { Problems } from '../../../src/core/rules/problems.js';
import { compileTemplate, MAX_TITLE } from '../../../src/core/rules/template.js';
import { ev } from './event-fixture.js';

const event = ev({ host: 'db-1', metrics: { cpu_pct: 93.456, net_out: 52_400_000 }, tags: ['a', 'b'], attributes: { count: 'attr', obj: { x: 1 } } });

describe('title templates', () => {
  test.each<[string, Record<string, unknown> | undefined, string]>([
    ['', undefined, ''],
    ['plain text', undefined, 'plain text'],
    ['CPU {cpu_pct}% on {host}', undefined, 'CPU 93.46% on db-1'],
    ['{ host }', undefined, 'db-1'],
    ['out {net_out:bytes}/s', undefined, 'out 52.4 MB/s'],
    ['{missing} and {user}', undefined, '? and ?'],
    ['{tags}', undefined, 'a, b'],
    ['{attributes.obj}', undefined, '{"x":1}'],
    ['{{literal}} {{{host}}}', undefined, '{literal} {db-1}'],
    ['{count} vs {attributes.count}', { count: 7 }, '7 vs attr'],
    ['held {d:duration}', { d: 300_000 }, 'held 5m'],
    ['{user|process|host}', undefined, 'db-1'],
    ['{ user | tags }', undefined, 'a, b'],
    ['{user|count}', { count: 3 }, '3'],
    ['{user|domain}', undefined, '?'],
  ])('%j', (source, vars, want) => {
    const p = new Problems();
    const t = compileTemplate(source, 'title', p);
    expect(p.list).toEqual([]);
    expect(t!.render(event, vars)).toBe(want);
  });

  test('long titles are cut', () => {
    const t = compileTemplate('{message}', 'title', new Problems())!;
    const out = t.render(ev({ message: 'x'.repeat(1000) }));
    expect(out.length).toBe(MAX_TITLE);
    expect(out.endsWith('…')).toBe(true);
  });

  test.each([
    ['{host', 'title: unclosed "{" at position 1 (write {{ for a literal brace)'],
    ['host}', 'title: unmatched "}" at position 5 (write }} for a literal brace)'],
    ['{}', 'title: "{}" is not a placeholder (write {field} or {field:bytes})'],
    ['{a b}', 'title: "{a b}" is not a placeholder (write {field} or {field:bytes})'],
    ['{x:hex}', 'title: unknown format "hex" in {x:hex} (known: bytes, duration)'],
    ['{x:bytes:y}', 'title: "{x:bytes:y}" is not a placeholder (write {field} or {field:bytes})'],
    ['{x|}', 'title: "{x|}" is not a placeholder (write {field} or {field:bytes})'],
  ])('%j is refused', (source, message) => {
    const p = new Problems();
    expect(compileTemplate(source, 'title', p)).toBeNull();
    expect(p.list).toEqual([message]);
  });
});
