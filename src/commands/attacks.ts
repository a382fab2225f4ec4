// `allora-sim attacks`: the attack studies of scenarios/attacks/*.yaml (docs/attacks.md §6). Every selected
// study and every point of its grid is validated before anything runs; then each study runs its grid × seeds
// on the worker pool (the suite job writes actors.csv and attack-metrics.csv only, unless --tables all),
// and writes summary.json with the per-point metric distributions and the verdict on its claim, and the
// pictures attack-curve.svg/.png and, for two-axis grids, attack-map.svg/.png.

import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { InputError } from '../scenario/errors.js';
import { readScenarioFile, scenarioFromObject } from '../scenario/load.js';
import { closestKey, resolveKey } from '../scenario/keys.js';
import { takeSweepSection } from '../scenario/sweep-section.js';
import { parseConditions, type Scenario } from '../scenario/schema.js';
import { projectRoot } from '../scenario/paths.js';
import { METRICS } from '../sim/metrics.js';
import { ATTACK_METRICS } from '../sim/attack-metrics.js';
import { distribution, type MetricSummary } from '../sim/summary.js';
import { judgeClaim, type Verdict } from '../sim/attack-verdicts.js';
import { attackCurveSpec, attackMapSpec, type CurvePoint } from '../output/attack-plots.js';
import { writeFigure } from '../output/plot.js';
import { toolInfo } from '../output/run-dir.js';
import { buildSweep, pointAt, pointCount, type GridPoint, type Sweep } from '../runner/grid.js';
import { runMonteCarlo } from '../runner/run.js';
import type { ProgressMode } from '../runner/progress.js';

/** The directory of the shipped studies. */
export const ATTACKS_DIR = join(projectRoot(), 'scenarios', 'attacks');

export interface AttackStudy {
  name: string;
  file: string;
  raw: Record<string, unknown>;
  base: Scenario;
  sweep: Sweep;
  grid: [string, string][];
  seeds: number;
}

export interface AttacksOptions {
  names: string[];
  seeds?: number;
  profile?: string;
  outDir?: string;
  set?: string[];
  threads?: number;
  progress?: ProgressMode;
  /** 'suite' (default): actors.csv and attack-metrics.csv only; 'all': every table of a run. */
  tables?: 'suite' | 'all';
  figures?: boolean;
  log?: (line: string) => void;
}

/** The shipped studies' names (file names without extension), sorted. */
export function attackNames(dir = ATTACKS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
    .map((f) => basename(f, extname(f)))
    .sort();
}

const KNOWN_METRICS = (): string[] => [...METRICS.map((m) => m.key), ...ATTACK_METRICS.map((m) => m.key)];

/** Loads and validates one study: the scenario, its claim's metrics and every grid point. */
export function loadStudy(name: string, o: Pick<AttacksOptions, 'profile' | 'set' | 'seeds'>, dir = ATTACKS_DIR): AttackStudy {
  const file = ['.yaml', '.yml'].map((e) => join(dir, `${name}${e}`)).find((f) => existsSync(f));
  if (!file) {
    const near = closestKey(name, attackNames(dir));
    throw new InputError(`attacks ${name}: no such attack study${near ? ` — did you mean '${near}'?` : ''} (allora-sim attacks --list shows them)`);
  }
  const raw = readScenarioFile(file);
  if (raw.kind === 'tokenomics')
    throw new InputError(`${file}: a tokenomics study (kind: tokenomics): run it with 'allora-sim run ${file} --seeds N' (its verdict is in that run's summary.json); 'attacks' runs the agents studies`);
  const sec = takeSweepSection(structuredClone(raw), file);
  const base = scenarioFromObject(structuredClone(raw), file, { profile: o.profile, set: o.set });
  const claim = base.claim;
  if (!claim || claim.id === '') throw new InputError(`${file}: claim.id: an attack study needs a claim (docs/attacks.md §1)`);
  const known = KNOWN_METRICS();
  for (const k of [claim.metric, ...(parseConditions(claim.and) ?? []).map((c) => c.key)]) {
    if (!known.includes(k)) {
      const near = closestKey(k, known);
      throw new InputError(`${file}: claim: unknown metric '${k}'${near ? ` — did you mean '${near}'?` : ''}`);
    }
  }
  const grid = sec.grid;
  const sweep = buildSweep({ grid: grid.map(([k, v]) => `${k}=${v}`), zip: sec.zip ?? false, resolveKey });
  // Every point through the loader now, so a bad value stops the suite before anything runs.
  for (let i = 0; i < pointCount(sweep); i++) pointScenario(raw, file, o, pointAt(sweep, i));
  return { name, file, raw, base, sweep, grid, seeds: o.seeds ?? sec.seeds ?? 20 };
}

function pointScenario(raw: Record<string, unknown>, file: string, o: Pick<AttacksOptions, 'profile' | 'set'>, p: GridPoint): Scenario {
  return scenarioFromObject(structuredClone(raw), file, {
    profile: o.profile,
    set: [...(o.set ?? []), ...Object.entries(p.values).map(([k, v]) => `${k}=${v}`)],
  });
}

/** The value at a dotted path of a resolved scenario. */
function valueAt(s: unknown, path: string): unknown {
  let v: unknown = s;
  for (const seg of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** The suite's job module (dist/src/sim/attack-suite-job.js next to this file's compiled twin). */
function suiteJobModule(): URL {
  const here = dirname(fileURLToPath(import.meta.url));
  return pathToFileURL(join(here, '..', 'sim', 'attack-suite-job.js'));
}

export interface StudyResult {
  name: string;
  out: string;
  runs: number;
  points: number;
  seeds: number;
  verdict: Verdict;
  elapsedMs: number;
}

/** The per-run metrics of a finished study, by point. */
function readRunMetrics(out: string, points: number): Record<string, number>[][] {
  const text = readFileSync(join(out, 'attack-metrics.csv'), 'utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const by: Record<string, number>[][] = Array.from({ length: points }, () => []);
  for (const r of rows) {
    const m: Record<string, number> = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'point' && k !== 'replicate') m[k] = v === '' ? NaN : Number(v);
    by[Number(r.point)].push(m);
  }
  return by;
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2) + '\n';

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.partial`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const shortKey = (k: string): string => k.slice(k.lastIndexOf('.') + 1);

/** Runs one validated study into `out`. */
export async function runStudy(st: AttackStudy, out: string, o: AttacksOptions): Promise<StudyResult> {
  const t0 = Date.now();
  const applyPoint = (_s: unknown, p: GridPoint): unknown => pointScenario(st.raw, st.file, o, p);
  const baseSeed = typeof st.base.seed === 'number' ? st.base.seed : 1;
  await runMonteCarlo({
    scenario: st.base,
    out,
    seed: baseSeed,
    replicates: st.seeds,
    sweep: st.sweep,
    applyPoint,
    runJobModule: o.tables === 'all' ? undefined : suiteJobModule(),
    threads: o.threads,
    progress: o.progress,
    resumeHint: `re-run allora-sim attacks ${st.name} with the same options`,
  });
  const n = pointCount(st.sweep);
  const perPoint = readRunMetrics(out, n);
  const pts = Array.from({ length: n }, (_, i) => pointAt(st.sweep, i));
  const claim = st.base.claim!;
  const verdict = judgeClaim(
    claim,
    st.name,
    pts.map((p, i) => {
      const s = pointScenario(st.raw, st.file, o, p);
      return { point: i, values: p.values as Record<string, number | string | boolean>, lookup: (path: string) => valueAt(s, path), perSeed: perPoint[i] };
    }),
    resolveKey,
  );
  const metricKeys = KNOWN_METRICS().filter((k) => perPoint.some((ps) => ps.some((m) => Number.isFinite(m[k]))));
  const definitions = Object.fromEntries([...METRICS, ...ATTACK_METRICS].map((m) => [m.key, m.definition]));
  const summary = {
    attack: st.name,
    scenario: basename(st.file),
    description: st.base.description,
    profile: st.base.profile,
    epochs: st.base.epochs,
    warmup: st.base.warmup,
    seeds_per_point: st.seeds,
    grid: Object.fromEntries(st.grid),
    points: pts.map((p, i) => ({
      point: i,
      values: p.values,
      metrics: Object.fromEntries(
        metricKeys.map((k) => {
          const d: Omit<MetricSummary, 'definition'> = distribution(perPoint[i].map((m) => m[k]));
          return [k, { median: d.median, p10: d.p10, p90: d.p90, mean: d.mean, std: d.std }];
        }),
      ),
    })),
    definitions: Object.fromEntries(metricKeys.map((k) => [k, definitions[k]])),
    verdicts: [verdict],
    ...toolInfo(),
  };
  writeAtomic(join(out, 'summary.json'), json(summary));
  if (o.figures !== false) await drawStudy(st, out, verdict, pts);
  return { name: st.name, out, runs: n * st.seeds, points: n, seeds: st.seeds, verdict, elapsedMs: Date.now() - t0 };
}

async function drawStudy(st: AttackStudy, out: string, v: Verdict, pts: GridPoint[]): Promise<void> {
  const axes = st.sweep.axes;
  const claim = st.base.claim!;
  const ax0 = axes[0]?.key;
  const ax1 = axes[1]?.key;
  const curve: CurvePoint[] = v.points.map((p, i) => ({
    x: ax0 ? (pts[i].values[ax0] as number | string) : 0,
    series: ax1 ? `${shortKey(ax1)} = ${String(pts[i].values[ax1])}` : '',
    median: p.median,
    p10: p.p10,
    p90: p.p90,
    holds: p.holds,
    inScope: p.in_scope,
  }));
  const subtitle = [
    `${claim.id} (${claim.section}): ${v.test}`,
    `${st.base.profile} profile, ${st.seeds} seeds per point; band p10–p90, line the median; ○ holds, red × does NOT hold, □ out of scope — the claim ${v.holds ? 'holds' : 'does NOT hold'}`,
  ];
  await writeFigure(
    out,
    'attack-curve',
    attackCurveSpec(curve, {
      title: `${st.name}: ${claim.metric}`,
      subtitle,
      xTitle: ax0 ?? '',
      yTitle: claim.metric,
      seriesTitle: ax1 ? shortKey(ax1) : '',
      threshold: claim.threshold,
    }) as never,
  );
  if (ax0 && ax1) {
    await writeFigure(
      out,
      'attack-map',
      attackMapSpec(
        v.points.map((p, i) => ({ x: pts[i].values[ax0] as number | string, y: pts[i].values[ax1] as number | string, share: p.holds_in_share_of_seeds, inScope: p.in_scope })),
        {
          title: `${st.name}: where ${claim.id} holds`,
          subtitle: `${st.base.profile} profile, ${st.seeds} seeds per point: share of seeds in which ${v.test.replace(/ in ≥.*$/, '')} (a point holds at ≥ ${Math.round(claim.min_share * 100)}%)`,
          xTitle: ax0,
          yTitle: ax1,
          minShare: claim.min_share,
        },
      ) as never,
    );
  }
}

const fmt = (x: number): string => (Number.isFinite(x) ? (Math.abs(x) >= 100 || x === Math.round(x) ? String(Math.round(x * 100) / 100) : x.toPrecision(3)) : '—');

/** The claims table (Markdown): claim, attack, our numbers at the worst point, holds? */
export function claimsTable(results: readonly { name: string; verdict: Verdict }[], profile: string): string {
  const lines = [
    `| claim | attack | test | worst point | median [p10, p90] | seeds holding | holds? (${profile}) |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const v = r.verdict;
    const where = v.worst_point ? Object.entries(v.worst_point.values).map(([k, x]) => `${shortKey(k)}=${x}`).join(', ') || '—' : '—';
    lines.push(
      `| ${v.id} | ${r.name} | ${v.test.replace(/\|/g, '\\|')} | ${where} | ${fmt(v.median)} [${fmt(v.p10)}, ${fmt(v.p90)}] | ${Math.round(v.holds_in_share_of_seeds * 100)}% | ${v.holds ? 'holds' : '**does NOT hold**'} |`,
    );
  }
  return lines.join('\n');
}

/** `--list`: one line per study. */
export function listStudies(dir = ATTACKS_DIR): string {
  return attackNames(dir)
    .map((n) => {
      const raw = readScenarioFile(join(dir, `${n}.yaml`));
      const c = (raw.claim ?? {}) as Record<string, unknown>;
      const grid = Object.keys(((raw.sweep as Record<string, unknown>)?.grid as Record<string, unknown>) ?? {}).map(shortKey);
      const how = raw.kind === 'tokenomics' ? `  (tokenomics: allora-sim run ${join(dir, `${n}.yaml`)})` : '';
      return `${n.padEnd(22)} ${String(c.id ?? '').padEnd(4)} ${String(raw.description ?? '').trim()}  [grid: ${grid.join(' × ')}]${how}`;
    })
    .join('\n');
}

/** Validates every selected study (nothing runs if one is bad), then runs them in order. */
export async function runAttacks(o: AttacksOptions): Promise<{ results: StudyResult[]; table: string; out: string }> {
  // The suite is the agents studies; a tokenomics study (fee-cabal) runs with `run` (named: a clear refusal).
  const names = o.names.length ? o.names : attackNames().filter((n) => readScenarioFile(join(ATTACKS_DIR, `${n}.yaml`)).kind !== 'tokenomics');
  const studies = names.map((n) => loadStudy(n, o));
  const profile = studies[0]?.base.profile ?? o.profile ?? 'reference';
  const root = o.outDir ?? join('output', 'attacks', profile);
  mkdirSync(root, { recursive: true });
  const results: StudyResult[] = [];
  for (const st of studies) {
    o.log?.(`attacks: ${st.name} — ${pointCount(st.sweep)} point(s) × ${st.seeds} seeds`);
    results.push(await runStudy(st, join(root, st.name), o));
  }
  const table = claimsTable(results, profile);
  writeAtomic(
    join(root, 'verdicts.json'),
    json({ profile, attacks: results.map((r) => ({ attack: r.name, points: r.points, seeds: r.seeds, runs: r.runs })), verdicts: results.map((r) => r.verdict) }),
  );
  writeAtomic(join(root, 'claims.md'), `${table}\n`);
  return { results, table, out: root };
}
