// The report of `allora-sim check`: a text table for the terminal, JSON and JUnit XML for CI systems.

import type { CheckReport, MetricResult, UpdateReport } from './check-types.js';

export type CheckFormat = 'text' | 'json' | 'junit';
export const CHECK_FORMATS: readonly CheckFormat[] = ['text', 'json', 'junit'];

/** A number for the table: 5 significant digits in [1e−4, 1e6), else exponent form; '—' when undefined. */
export function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e6 ? String(Number(x.toPrecision(5))) : x.toExponential(3);
}

const meanStd = (s: { mean: number; std: number; n: number } | null): string =>
  s === null ? '—' : !Number.isFinite(s.mean) ? '—' : s.n > 1 ? `${fmtNum(s.mean)} ± ${fmtNum(s.std)}` : fmtNum(s.mean);

const signed = (x: number): string => (!Number.isFinite(x) ? '—' : x > 0 ? `+${fmtNum(x)}` : fmtNum(x));

function seedsLine(n: number, base: number, kind: string): string {
  return kind === 'tokenomics' ? `1 deterministic run (seed ${base})` : `${n} seed${n === 1 ? '' : 's'} from base seed ${base}`;
}

function verdictText(r: MetricResult): string {
  return r.verdict === 'pass' ? 'PASS' : r.verdict === 'fail' ? 'FAIL' : 'NEW';
}

/** The terminal table: metric, baseline mean ± std, now mean ± std, Δ, band (±), verdict. */
export function formatCheckText(r: CheckReport): string {
  const b = r.baseline;
  const lines: string[] = [];
  lines.push(`allora-sim check: ${r.scenario} (profile ${r.profile}${r.set.length ? `, --set ${r.set.join(' --set ')}` : ''}) against ${r.baseline_file}`);
  lines.push(
    `  baseline: ${seedsLine(b.n_seeds, b.base_seed, r.kind)}, allora-sim ${b.version}${b.git_commit ? ` (${b.git_commit.slice(0, 10)})` : ''}`,
  );
  lines.push(`  now:      ${seedsLine(r.seeds.length, r.base_seed, r.kind)}, ${r.elapsed_s.toFixed(1)} s`);
  if (r.kind === 'agents') {
    lines.push(
      `  band:     |now − baseline| ≤ t·SE, SE = pooled std·√(1/n_baseline + 1/n_now), t = Student quantile at the tail of z = ${r.z} (unless the baseline sets a tolerance)`,
    );
  } else {
    lines.push('  band:     deterministic run: float floor 1e−9 relative (unless the baseline sets a tolerance)');
  }
  lines.push('');
  const header = ['metric', 'baseline', 'now', 'Δ', 'band ±', 'verdict'];
  const rows = r.metrics.map((m) => [m.metric, meanStd(m.baseline), meanStd(m.now), signed(m.delta), fmtNum(m.band), verdictText(m)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const right = [false, true, true, true, true, false];
  const fmtRow = (row: string[]) =>
    row
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(fmtRow(header));
  lines.push(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) lines.push(fmtRow(row));
  lines.push('');
  const custom = r.metrics.filter((m) => m.rule.startsWith('tolerance') || m.rule.startsWith('undefined') || m.rule.startsWith('defined') || m.rule === 'missing now');
  for (const m of custom) lines.push(`  ${m.metric}: ${m.rule}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  if (custom.length > 0 || r.notes.length > 0) lines.push('');
  const checked = r.metrics.filter((m) => m.verdict !== 'new').length;
  if (r.passed) {
    lines.push(`PASS: ${checked} of ${checked} metrics within their bands`);
  } else {
    lines.push(`FAIL: ${r.failed.length} of ${checked} metrics moved beyond their bands: ${r.failed.join(', ')}`);
    for (const m of r.metrics.filter((x) => x.verdict === 'fail')) lines.push(`  ${m.metric}: ${failureMessage(m)}`);
  }
  return lines.join('\n') + '\n';
}

/** One line saying how a failed metric moved. */
export function failureMessage(m: MetricResult): string {
  if (!Number.isFinite(m.delta)) return m.rule;
  const inSe = Number.isFinite(m.se) && m.se > 0 ? ` (${(m.delta / m.se).toFixed(1)} SE)` : '';
  return `moved ${signed(m.delta)}${inSe} from ${fmtNum(m.baseline?.mean ?? NaN)} to ${fmtNum(m.now.mean)}; band ±${fmtNum(m.band)} [${m.rule}]`;
}

const jsonNumbers = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);

/** Machine-readable report (`--format json`). */
export function formatCheckJson(r: CheckReport): string {
  const doc = {
    format: 'allora-sim/check-report',
    version: 1,
    verdict: r.passed ? 'pass' : 'regression',
    passed: r.passed,
    failed: r.failed,
    scenario: r.scenario,
    kind: r.kind,
    scenario_file: r.scenario_file,
    profile: r.profile,
    set: r.set,
    baseline_file: r.baseline_file,
    baseline: r.baseline,
    base_seed: r.base_seed,
    seeds: r.seeds,
    shared_seeds: r.shared_seeds,
    z: r.z,
    elapsed_s: r.elapsed_s,
    notes: r.notes,
    metrics: r.metrics.map((m) => ({
      metric: m.metric,
      verdict: m.verdict,
      baseline: m.baseline,
      now: m.now,
      delta: m.delta,
      band: m.band,
      se: m.se,
      multiplier: m.multiplier ?? null,
      rule: m.rule,
      definition: m.definition,
    })),
  };
  return JSON.stringify(doc, jsonNumbers, 2) + '\n';
}

/** Escapes text for an XML attribute or element. */
export function xmlEscape(s: string): string {
  return s
    // characters XML 1.0 does not allow at all
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit XML (`--format junit`): one testcase per metric, `<failure>` for a regression, `<skipped>` for a
 *  metric the baseline does not have. */
export function formatCheckJunit(r: CheckReport): string {
  const a = xmlEscape;
  const tests = r.metrics.length;
  const failures = r.failed.length;
  const skipped = r.metrics.filter((m) => m.verdict === 'new').length;
  const time = r.elapsed_s.toFixed(3);
  const suite = `allora-sim check ${r.scenario}`;
  const cls = `allora-sim.check.${r.scenario}`;
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<testsuites name="allora-sim check" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`);
  out.push(`  <testsuite name="${a(suite)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`);
  out.push('    <properties>');
  const props: [string, string][] = [
    ['scenario_file', r.scenario_file],
    ['baseline_file', r.baseline_file],
    ['profile', r.profile],
    ['set', r.set.join(' ')],
    ['base_seed', String(r.base_seed)],
    ['seeds', String(r.seeds.length)],
    ['baseline_seeds', String(r.baseline.n_seeds)],
    ['z', String(r.z)],
  ];
  for (const [k, v] of props) out.push(`      <property name="${a(k)}" value="${a(v)}"/>`);
  out.push('    </properties>');
  for (const m of r.metrics) {
    const open = `    <testcase classname="${a(cls)}" name="${a(m.metric)}" time="0">`;
    const detail = [
      m.definition,
      `baseline: ${meanStd(m.baseline)} (n=${m.baseline?.n ?? 0})`,
      `now: ${meanStd(m.now)} (n=${m.now.n})`,
      `delta: ${signed(m.delta)}; band: ±${fmtNum(m.band)} [${m.rule}]`,
    ].join('\n');
    if (m.verdict === 'fail') {
      out.push(open);
      out.push(`      <failure type="regression" message="${a(`${m.metric} ${failureMessage(m)}`)}">${a(detail)}</failure>`);
      out.push('    </testcase>');
    } else if (m.verdict === 'new') {
      out.push(open);
      out.push(`      <skipped message="${a(`${m.metric} is not in the baseline; add it with --update`)}"/>`);
      out.push('    </testcase>');
    } else {
      out.push(open);
      out.push(`      <system-out>${a(detail)}</system-out>`);
      out.push('    </testcase>');
    }
  }
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export function formatCheckReport(r: CheckReport, format: CheckFormat): string {
  return format === 'json' ? formatCheckJson(r) : format === 'junit' ? formatCheckJunit(r) : formatCheckText(r);
}

/** What `check --update` prints. */
export function formatUpdateText(u: UpdateReport): string {
  const b = u.baseline;
  const lines = [
    `wrote ${u.file}: ${b.scenario} (${b.kind}, profile ${b.profile}${b.set.length ? `, --set ${b.set.join(' --set ')}` : ''}), ` +
      (b.kind === 'tokenomics' ? `1 deterministic run (seed ${b.base_seed})` : `${b.seeds.length} seeds from base seed ${b.base_seed}`) +
      `, ${Object.keys(b.metrics).length} metrics`,
  ];
  const w = Math.max(...Object.keys(b.metrics).map((k) => k.length));
  for (const [k, m] of Object.entries(b.metrics)) {
    lines.push(`  ${k.padEnd(w)}  ${meanStd({ mean: m.mean ?? NaN, std: m.std ?? NaN, n: m.n })}${m.tolerance ? '  (tolerance kept)' : ''}`);
  }
  for (const n of u.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}
