// Every citation of a docs page in the code, tests, scenarios and docs (`docs/rewards.md §3.7`, `docs/agents.md #9`,
// `docs/rewards.md §5 item 8`) names a section that exists, and every markdown link to one of these pages with an
// anchor (`rewards.md#37-listening-coefficients-gradient-ascent`) lands on a heading. Checked for the pages below.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const PAGES = ['synthesis', 'rewards', 'agents', 'mechanism', 'replay-format'] as const;
const page = (p: string): string => readFileSync(join(ROOT, 'docs', `${p}.md`), 'utf8');

/** GitHub's anchor of a heading: lower case, punctuation dropped (but - and _), spaces → hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchors(p: string): Set<string> {
  const out = new Set<string>();
  for (const line of page(p).split('\n')) {
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) out.add(slug(h[1]));
    for (const m of line.matchAll(/<a id="([^"]+)"><\/a>/g)) out.add(m[1]);
  }
  return out;
}

/** True if `§N` (or `§N.M`) of the page is a heading, or item M of section N. */
function hasSection(p: string, sec: string): boolean {
  const text = page(p);
  const esc = sec.replace('.', '\\.');
  if (new RegExp(`^#{2,4} ${esc}[.\\s]`, 'm').test(text)) return true;
  const [n, item] = sec.split('.');
  return item !== undefined && hasSection(p, n) && hasItem(p, n, item);
}

/** True if section N of the page has a numbered item K. */
function hasItem(p: string, n: string, k: string): boolean {
  const text = page(p);
  const start = text.search(new RegExp(`^#{2,4} ${n}[.\\s]`, 'm'));
  if (start < 0) return false;
  const rest = text.slice(start + 1);
  const end = rest.search(/^## /m);
  const body = end < 0 ? rest : rest.slice(0, end);
  return new RegExp(`^${k}\\. `, 'm').test(body);
}

const tracked = (): string[] =>
  execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|md|ya?ml|json|mjs)$/.test(f) && !f.startsWith('node_modules') && f !== 'package-lock.json')
    .filter((f) => existsSync(join(ROOT, f)));

describe('docs citations', () => {
  const files = tracked();
  const cite = /docs\/(synthesis|rewards|agents|mechanism|replay-format)\.md((?:[ ,]*§\s?\d+(?:\.\d+)?(?:[–-]\d+(?:\.\d+)?)?(?: item \d+)?|[ ,]+#\d+(?:[–-]\d+)?)*)/g;

  it('every cited section or table row exists', () => {
    const bad: string[] = [];
    let count = 0;
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(cite)) {
        const p = m[1];
        for (const part of m[2].matchAll(/§\s?(\d+(?:\.\d+)?)(?:[–-](\d+(?:\.\d+)?))?(?: item (\d+))?|#(\d+)(?:[–-](\d+))?/g)) {
          count++;
          const where = `${f}: docs/${p}.md ${part[0]}`;
          if (part[4] !== undefined) {
            const ids = anchors(p);
            for (const id of [part[4], part[5]].filter((x) => x !== undefined)) if (!ids.has(id!)) bad.push(where);
          } else {
            for (const s of [part[1], part[2]].filter((x) => x !== undefined)) if (!hasSection(p, s!)) bad.push(where);
            if (part[3] !== undefined && !hasItem(p, part[1], part[3])) bad.push(where);
          }
        }
      }
    }
    expect(bad, bad.join('\n')).toEqual([]);
    expect(count).toBeGreaterThan(30);
  });

  it('every markdown link to these pages with an anchor lands on a heading', () => {
    const bad: string[] = [];
    let count = 0;
    for (const f of files.filter((x) => x.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/\]\((?:[^)#\s]*\/)?(synthesis|rewards|agents|mechanism|replay-format)\.md#([^)\s]+)\)/g)) {
        count++;
        if (!anchors(m[1]).has(decodeURIComponent(m[2]))) bad.push(`${f}: ${m[0]}`);
      }
      // links within the same page
      if (f.startsWith('docs/')) {
        const p = f.slice(5, -3);
        if ((PAGES as readonly string[]).includes(p))
          for (const m of text.matchAll(/\]\(#([^)\s]+)\)/g)) {
            count++;
            if (!anchors(p).has(decodeURIComponent(m[1]))) bad.push(`${f}: ${m[0]}`);
          }
      }
    }
    expect(bad, bad.join('\n')).toEqual([]);
    expect(count).toBeGreaterThan(10);
  });

  it('every relative link from docs/ and examples/ to a file in the repository resolves (pages written elsewhere excepted when absent)', () => {
    // Pages other parts of the project add (generated, or documenting the chain and the tokenomics): checked when present.
    const elsewhere = new Set(['docs/chain.md', 'docs/tokenomics.md', 'docs/sortition.md', 'docs/equations.md', 'docs/data-dictionary.md']);
    const bad: string[] = [];
    for (const f of files.filter((x) => /^(docs|examples)\/.*\.md$/.test(x) || x === 'README.md')) {
      const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.';
      for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(/\]\(([^)#\s:]+)(#[^)\s]*)?\)/g)) {
        const target = join(dir, m[1]).replace(/\\/g, '/');
        if (!existsSync(join(ROOT, target)) && !elsewhere.has(target)) bad.push(`${f}: ${m[0]}`);
      }
    }
    expect(bad, bad.join('\n')).toEqual([]);
  });
});
