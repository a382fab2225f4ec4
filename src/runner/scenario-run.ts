// `run` and `figures`: load a scenario of either kind, apply the command line, run it, report.

import { join } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { readScenarioFile, scenarioFromObject } from '../scenario/load.js';
import { isProfileName } from '../engine/params.js';
import { fnv1a32 } from './seeds.js';
import { runAgentsScenario } from './agents-run.js';
import { runTokenomicsDocument } from './tokenomics-run.js';
import { projectRoot } from '../scenario/paths.js';

export interface ScenarioRunOptions {
  /** Output directory; default <outRoot>/<scenario name>. */
  outDir?: string;
  outRoot: string;
  seed?: string;
  seeds: number;
  epochs?: number;
  profile?: string;
  set: string[];
  threads?: number;
  quiet: boolean;
  figures: boolean;
  resume?: boolean;
  failFast?: boolean;
}

/** The scenarios `figures` runs, in order. */
export const FIGURE_SCENARIOS = ['figure2-3.yaml', 'figure4.yaml'].map((f) => join(projectRoot(), 'scenarios', f));

export function baseSeed(raw: string | number, where: string): number {
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw) || raw < 0) throw new InputError(`${where}: must be an integer ≥ 0 (got ${raw})`);
    return raw;
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  return fnv1a32(raw); // a string seed names a stream
}

export async function runScenarioFile(file: string, o: ScenarioRunOptions): Promise<{ report: string }> {
  if (o.profile !== undefined && !isProfileName(o.profile))
    throw new InputError(`--profile: must be one of reference, whitepaper (got '${o.profile}')`);
  const raw = readScenarioFile(file);
  if (raw.kind === 'tokenomics') return runTokenomicsDocument(raw, file, o, baseSeed);
  const set = [...o.set];
  const notes: string[] = [];
  if (o.epochs !== undefined) {
    set.push(`epochs=${o.epochs}`);
    const warmup = typeof raw.warmup === 'number' ? raw.warmup : 0;
    if (warmup >= o.epochs && !o.set.some((a) => a.startsWith('warmup='))) {
      set.push(`warmup=${Math.floor(o.epochs / 10)}`);
      notes.push(`note: warmup ${warmup} ≥ --epochs ${o.epochs}; using warmup ${Math.floor(o.epochs / 10)} (set it with --set warmup=N)`);
    }
  }
  const s = scenarioFromObject(raw, file, { profile: o.profile, set });
  const base = baseSeed(o.seed ?? s.seed, o.seed !== undefined ? '--seed' : `${file}: seed`);
  const outDir = o.outDir ?? join(o.outRoot, s.name);
  const summary = await runAgentsScenario(s, {
    outDir,
    baseSeed: base,
    replicates: o.seeds,
    figures: o.figures,
    threads: o.threads,
    progress: o.quiet ? 'quiet' : 'auto',
    resume: o.resume,
    failFast: o.failFast,
  });
  const seeds = summary.seeds;
  const lines = summary.claims.map(
    (c) =>
      `  ${c.holds ? 'holds         ' : 'does NOT hold '} ${c.paper}  [${c.test}; in ${(100 * c.holds_in_share_of_seeds).toFixed(0)}% of seeds]`,
  );
  return {
    report: [`${s.name}: ${seeds.length} run(s), profile ${s.profile} → ${outDir}`, ...notes, ...lines].join('\n'),
  };
}
