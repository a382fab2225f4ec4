// Equations findable by number: every whitepaper equation the code implements is cited in the one style
// `eq. N` where it is implemented, and docs/equations.md (generated here) maps each number to its functions.
// `UPDATE_DOCS=1 npx vitest run test/docs` (or `npm run docs`) rewrites docs/equations.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = join(ROOT, 'src');
const DOC = join(ROOT, 'docs/equations.md');
const CITATION = /\beq\. (\d+)\b/g;
/** Any way of naming an equation by number that is not the one style: `eq 8`, `Eq 20`, `eqs 3–19`, `eqs. 3, 5`, `eq-16`. */
const OTHER_STYLE = /\b(?:Eqs?|eqs)\b\.? ?\d|\beq ?\d|\beq-\d/g;

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Where each block of equations must be implemented (paths relative to the repository root). */
const AREAS: { name: string; eqs: number[]; label: string; owns: (file: string) => boolean }[] = [
  { name: '3–19 and 22–47', eqs: [...range(3, 19), ...range(22, 47)], label: 'src/engine (except tokenomics.ts)', owns: (f) => f.startsWith('src/engine/') && f !== 'src/engine/tokenomics.ts' },
  { name: '20–21', eqs: range(20, 21), label: 'src/agents', owns: (f) => f.startsWith('src/agents/') },
  { name: '48–58', eqs: range(48, 58), label: 'src/engine/tokenomics.ts', owns: (f) => f === 'src/engine/tokenomics.ts' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
    .sort();
}

interface Citation {
  eq: number;
  file: string;
  line: number;
  /** The function the citation belongs to: the innermost named function or method enclosing it (its leading
   *  comment included), or undefined when it belongs to none (a type, a file header). */
  fn: string | undefined;
}

/** Named function-like declarations of a file with their ranges, leading comments included. */
function functionRanges(sf: ts.SourceFile): { start: number; end: number; name: string }[] {
  const out: { start: number; end: number; name: string }[] = [];
  const isFn = (n: ts.Node | undefined): boolean => !!n && (ts.isArrowFunction(n) || ts.isFunctionExpression(n));
  const visit = (node: ts.Node, cls: string | undefined): void => {
    let name: string | undefined;
    let start = node.getFullStart();
    if (ts.isFunctionDeclaration(node) && node.name) name = node.name.text;
    else if ((ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node)) && node.name) name = `${cls}.${node.name.getText(sf)}`;
    else if (ts.isConstructorDeclaration(node)) name = `${cls}.constructor`;
    else if (ts.isPropertyDeclaration(node) && isFn(node.initializer)) name = `${cls}.${node.name.getText(sf)}`;
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && isFn(node.initializer)) {
      name = node.name.text;
      const stmt = node.parent.parent; // VariableDeclarationList → VariableStatement: the leading comment is there
      if (ts.isVariableStatement(stmt) && stmt.declarationList.declarations.length === 1) start = stmt.getFullStart();
    }
    if (name) out.push({ start, end: node.getEnd(), name });
    const inner = ts.isClassDeclaration(node) && node.name ? node.name.text : cls;
    ts.forEachChild(node, (c) => visit(c, inner));
  };
  visit(sf, undefined);
  return out;
}

function citations(): Citation[] {
  const out: Citation[] = [];
  for (const abs of sourceFiles(SRC)) {
    const file = relative(ROOT, abs).split('\\').join('/');
    const text = readFileSync(abs, 'utf8');
    const fns = functionRanges(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
    for (const m of text.matchAll(CITATION)) {
      const pos = m.index;
      let best: { start: number; name: string } | undefined;
      for (const f of fns) if (f.start <= pos && pos < f.end && (!best || f.start >= best.start)) best = f;
      out.push({ eq: Number(m[1]), file, line: text.slice(0, pos).split('\n').length, fn: best?.name });
    }
  }
  return out;
}

/** docs/equations.md as generated from the citations. */
function equationsDoc(cites: Citation[]): string {
  const lines = [
    '# Equations and the code that implements them',
    '',
    'Generated from the `eq. N` citations in `src/` by `test/docs/equations.test.ts` (`npm run docs` rewrites it);',
    'do not edit by hand. Each whitepaper equation the simulator implements, with the file and the functions',
    'whose code or leading comment cites it (`grep -rn "eq. N\\b" src` finds the exact lines). A dash means the',
    'equation is not yet cited inside a function where it belongs (equations 3–19 and 22–47 in `src/engine`,',
    '20–21 in `src/agents`, 48–58 in `src/engine/tokenomics.ts`).',
    '',
    '| eq. | file | functions |',
    '|---:|---|---|',
  ];
  const all = AREAS.flatMap((area) => area.eqs.map((eq) => ({ eq, area }))).sort((a, b) => a.eq - b.eq);
  for (const { eq, area } of all) {
    const mine = cites.filter((c) => c.eq === eq && area.owns(c.file) && c.fn);
    const files = [...new Set(mine.map((c) => c.file))];
    if (files.length === 0) lines.push(`| ${eq} | — | — |`);
    for (const f of files) {
      const fns = [...new Set(mine.filter((c) => c.file === f).map((c) => `\`${c.fn}\``))];
      lines.push(`| ${eq} | \`${f}\` | ${fns.join(', ')} |`);
    }
  }
  return lines.join('\n') + '\n';
}

const cites = citations();

describe('equations findable by number (`eq. N`)', () => {
  for (const area of AREAS)
    it(`equations ${area.name} are each cited in ${area.label}`, () => {
      const missing = area.eqs.filter((eq) => !cites.some((c) => c.eq === eq && area.owns(c.file)));
      expect(missing, `not cited as \`eq. N\` in ${area.label}`).toEqual([]);
    });

  it('in src/engine (except tokenomics.ts) every equation is cited inside a function, and no other citation style is left', () => {
    const engine = AREAS[0];
    const noFn = engine.eqs.filter((eq) => !cites.some((c) => c.eq === eq && engine.owns(c.file) && c.fn));
    expect(noFn, 'cited only outside functions').toEqual([]);
    const other: string[] = [];
    for (const abs of sourceFiles(join(SRC, 'engine'))) {
      const file = relative(ROOT, abs).split('\\').join('/');
      if (!engine.owns(file)) continue;
      const text = readFileSync(abs, 'utf8');
      for (const m of text.matchAll(OTHER_STYLE)) other.push(`${file}:${text.slice(0, m.index).split('\n').length}: ${m[0]}`);
    }
    expect(other).toEqual([]);
  });

  it('the citation scanner finds functions, methods and leading comments, and skips types', () => {
    const src = [
      '/** Outer (eq. 3). */',
      'export function outer(): number {',
      '  const inner = () => 1; // eq. 4',
      '  return inner();',
      '}',
      '/** A type (eq. 5). */',
      'interface T { x: number }',
      'class K {',
      '  /** eq. 6 */',
      '  m(): void {}',
      '}',
      '// eq. 60 counts, eq. 6x does not',
    ].join('\n');
    const sf = ts.createSourceFile('x.ts', src, ts.ScriptTarget.Latest, true);
    const fns = functionRanges(sf);
    const at = (needle: string) => {
      const pos = src.indexOf(needle);
      let best: { start: number; name: string } | undefined;
      for (const f of fns) if (f.start <= pos && pos < f.end && (!best || f.start >= best.start)) best = f;
      return best?.name;
    };
    expect(at('eq. 3')).toBe('outer');
    expect(at('eq. 4')).toBe('outer'); // a trailing comment belongs to the statement's function, not `inner`'s body
    expect(at('eq. 5')).toBeUndefined();
    expect(at('eq. 6 */')).toBe('K.m');
    expect([...src.matchAll(CITATION)].map((m) => Number(m[1]))).toEqual([3, 4, 5, 6, 60]);
    expect('eq 8, Eq 20, eqs 3–19, eqs. 3, 5, eq-16'.match(OTHER_STYLE)).toHaveLength(5);
    expect('eq. 8 and eq. 15'.match(OTHER_STYLE)).toBeNull();
  });

  it('docs/equations.md is the generated table (UPDATE_DOCS=1 rewrites it)', () => {
    const want = equationsDoc(cites);
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, want);
    expect(readFileSync(DOC, 'utf8')).toBe(want);
  });
});
