#!/usr/bin/env node
// README.md is the user's manual in one file, assembled from the chapters in docs/ (edit those,
// then `npm run readme`). Chapter titles become second-level headings, a table of contents is
// generated, and config/default.yaml is embedded as the configuration reference.
// `node scripts/build-readme.mjs --check` exits 1 when README.md is not up to date (a test runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHAPTERS = [
  '00-readme-head.md',
  '@config',
  '05-event.md',
  'formats.md',
  'recognized-logs.md',
  '06-ingest.md',
  'schema.md',
  'rules.md',
  'sigma.md',
  'alerts.md',
  'api.md',
  'console.md',
  'encryption.md',
  'cli.md',
  'tail.md',
  'notify.md',
  'listeners.md',
  'elasticsearch.md',
  'package.md',
  'kafka.md',
  'operations.md',
  '90-bench.md',
  'bench-api.md',
  '95-design.md',
];

/** Shifts headings so the chapter's title is `##`; lines inside code fences are left alone. */
function demote(text) {
  const lines = text.split('\n');
  let fence = false;
  let top = 6;
  for (const l of lines) {
    if (/^(```|~~~)/.test(l)) fence = !fence;
    else if (!fence && /^#{1,6} /.test(l)) top = Math.min(top, l.indexOf(' '));
  }
  const shift = 2 - top;
  fence = false;
  return lines
    .map((l) => {
      if (/^(```|~~~)/.test(l)) fence = !fence;
      if (fence || !/^#{1,6} /.test(l)) return l;
      const level = Math.min(6, l.indexOf(' ') + shift);
      return '#'.repeat(level) + l.slice(l.indexOf(' '));
    })
    .join('\n');
}

function anchor(title) {
  return title
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^a-z0-9 \-]/g, '')
    .trim()
    .replace(/ /g, '-');
}

export function buildReadme() {
  const parts = [];
  for (const c of CHAPTERS) {
    if (c === '@config') {
      parts.push('```yaml\n' + readFileSync(join(ROOT, 'config', 'default.yaml'), 'utf8').trimEnd() + '\n```\n');
      continue;
    }
    const text = readFileSync(join(ROOT, 'docs', c), 'utf8').trimEnd() + '\n';
    parts.push(c === '00-readme-head.md' ? text : demote(text));
  }
  let body = parts.join('\n');
  const toc = [];
  let fence = false;
  for (const l of body.split('\n')) {
    if (/^(```|~~~)/.test(l)) fence = !fence;
    else if (!fence && l.startsWith('## ') && l !== '## Contents') toc.push(`- [${l.slice(3).replace(/`/g, '')}](#${anchor(l.slice(3))})`);
  }
  body = body.replace('<!-- contents -->', toc.join('\n'));
  return '<!-- Generated from docs/*.md and config/default.yaml by `npm run readme`: edit those. -->\n' + body;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readme = buildReadme();
  const path = join(ROOT, 'README.md');
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current !== readme) {
      process.stderr.write('README.md is out of date: run `npm run readme`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(path, readme);
  }
}
