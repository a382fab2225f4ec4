// manifest.json of a sweep: the definition, the tool, per-run point / replicate / seed / status, streamed
// to a temporary file and staged for the final rename (written last).

import { AtomicFileWriter } from '../io/files.js';
import { packageInfo } from '../scenario/paths.js';
import type { OutputFormat, StagedFile } from './assemble.js';
import { seedRuleOf, type SweepDefinition } from './definition.js';
import { SEED_RULE, seedRuleText } from './seeds.js';

/** Per-run status codes (a Uint8Array of them, indexed by run id). */
export const RUN_PENDING = 0;
export const RUN_OK = 1;
export const RUN_FAILED = 2;
/** Left to another shard (sharded sweeps only). */
export const RUN_ELSEWHERE = 3;

/** What a manifest records of a failed run. */
export interface ManifestFailure {
  error: string;
}

export interface ManifestInput {
  path: string;
  definition: SweepDefinition;
  status: 'ok' | 'failed';
  started: Date;
  indexColumns: boolean;
  /** File format of the tables, metrics and summary (default csv). */
  format?: OutputFormat;
  threads: number;
  jobModule: string;
  outputs: string[];
  statuses: Uint8Array;
  resumed: number;
  failures: Map<number, ManifestFailure>;
  seedOf: (id: number) => number;
  /** Fields added by the caller (`finish`); they may not replace the runner's own. */
  extra?: Record<string, unknown>;
}

/** Streams manifest.json to a temporary file; returns it staged for the final rename. */
export async function writeManifest(m: ManifestInput): Promise<StagedFile> {
  const R = m.definition.replicates;
  const total = m.statuses.length;
  let ok = 0;
  let failed = 0;
  for (const s of m.statuses) {
    if (s === RUN_OK) ok++;
    else if (s === RUN_FAILED) failed++;
  }
  const runnerHead = {
    tool: 'allora-sim',
    version: packageInfo().version,
    status: m.status,
    started: m.started.toISOString(),
    finished: new Date().toISOString(),
    sweep: m.definition,
    seedRule: m.definition.axes.length > 0 ? seedRuleText(seedRuleOf(m.definition)) : SEED_RULE,
    runOrder: 'point-major: run id = point * replicates + replicate',
    indexColumns: m.indexColumns,
    threads: m.threads,
    jobModule: m.jobModule,
    format: m.format ?? 'csv',
    outputs: m.outputs,
    counts: { total, ok, failed, pending: total - ok - failed, resumed: m.resumed },
  };
  const head: Record<string, unknown> = { ...(m.extra ?? {}), ...runnerHead };
  // Buffered synchronous writes: a full disk is a WriteFailedError naming manifest.json, never a hang.
  const out = new AtomicFileWriter(m.path);
  const write = async (s: string) => out.write(s);
  const headText = JSON.stringify(head, null, 2);
  await write(`${headText.slice(0, headText.lastIndexOf('}')).trimEnd()},\n  "runs": [`);
  for (let id = 0; id < total; id++) {
    const s = m.statuses[id];
    const run: Record<string, unknown> = {
      point: Math.floor(id / R),
      replicate: id % R,
      seed: m.seedOf(id),
      status: s === RUN_OK ? 'ok' : s === RUN_FAILED ? 'failed' : 'pending',
    };
    const f = m.failures.get(id);
    if (f) run.error = f.error;
    await write(`${id === 0 ? '' : ','}\n    ${JSON.stringify(run)}`);
  }
  await write(`${total > 0 ? '\n  ' : ''}]\n}\n`);
  out.close();
  return { name: 'manifest.json', tmp: out.tmp, final: m.path };
}

