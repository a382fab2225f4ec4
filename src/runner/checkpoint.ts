// The checkpoint of a sweep (`<out>/.runs/sweep.json` and the part files): on resume, the saved definition
// must match, every kept part is verified whole (a damaged one is deleted and run again, with a note), and
// a sweep already complete is reported as such; otherwise `.runs/` starts afresh with the definition.

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../scenario/errors.js';
import { packageInfo } from '../scenario/paths.js';
import { jsonText, writeFileAtomic } from '../io/files.js';
import { diffDefinitions, type SweepDefinition } from './definition.js';
import { RUN_ELSEWHERE, RUN_OK } from './manifest.js';
import type { ShardHooks } from './shard.js';
import { PartDamagedError, partFileName, removeStaleTemps, verifyPart } from './part.js';

interface Checkpoint {
  tool: string;
  version: string;
  sweep: SweepDefinition;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new InputError(`${path}: unreadable (${(e as Error).message}); start afresh without resume`);
  }
}

export interface CheckpointOptions {
  out: string;
  runsDir: string;
  definition: SweepDefinition;
  resume: boolean;
  total: number;
  /** Replicates per point (run id = point · R + replicate). */
  R: number;
  seedOf: (id: number) => number;
  log: (line: string) => void;
  indexColumns: boolean;
  summary: boolean;
  /** File format of the outputs (a complete sweep in another format is not complete). */
  format?: 'csv' | 'parquet';
  /** A shard or a merge (shard.ts): joins (or creates) the checkpoint, never wipes it, and runs only its own runs. */
  shard?: ShardHooks;
}

/** Opens (resume) or starts the checkpoint: the runs already done, or `complete` with the outputs of a
 *  finished sweep. */
export function openCheckpoint(o: CheckpointOptions): { statuses: Uint8Array; skipped: number; elsewhere: number } | { complete: string[] } {
  const { out, runsDir, definition, total, R, seedOf, log, indexColumns } = o;
  const manifestPath = join(out, 'manifest.json');
  const statuses = new Uint8Array(total);
  let skipped = 0;
  const checkpointPath = join(runsDir, 'sweep.json');
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new InputError(`${out}: cannot create the output directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let resuming = false;
  if (o.shard) resuming = o.shard.openCheckpoint(runsDir, { tool: 'allora-sim', version: packageInfo().version, sweep: definition });
  else if (o.resume) {
    if (existsSync(checkpointPath)) {
      const saved = readJson(checkpointPath) as Checkpoint;
      const diffs = diffDefinitions(saved.sweep, definition);
      if (diffs.length > 0) {
        throw new InputError(
          `${runsDir}: cannot resume, the sweep definition differs from the checkpoint's: ${diffs.join('; ')} (run without resume to start afresh, or use another output directory)`,
        );
      }
      resuming = true;
    } else if (existsSync(runsDir) && readdirSync(runsDir).some((n) => n.endsWith('.ndjson'))) {
      throw new InputError(`${runsDir}: has part files but no sweep.json; cannot tell which sweep they belong to (delete ${runsDir} to start afresh)`);
    } else if (existsSync(manifestPath)) {
      const m = readJson(manifestPath) as { status?: string; sweep?: SweepDefinition; outputs?: string[]; indexColumns?: boolean; format?: string };
      if (m.sweep) {
        const diffs = diffDefinitions(m.sweep, definition);
        if (diffs.length > 0) {
          throw new InputError(
            `${manifestPath}: cannot resume, the sweep definition differs from the manifest's: ${diffs.join('; ')} (run without resume to start afresh, or use another output directory)`,
          );
        }
        const complete =
          m.status === 'ok' &&
          m.indexColumns === indexColumns &&
          (m.format ?? 'csv') === (o.format ?? 'csv') &&
          (m.outputs ?? []).includes(o.format === 'parquet' ? 'summary.parquet' : 'summary.csv') === o.summary &&
          (m.outputs ?? []).every((f) => existsSync(join(out, f)));
        if (complete) {
          log(`${out}: the sweep is already complete (manifest.json); nothing to do`);
          return { complete: m.outputs ?? [] };
        }
      }
      log(`${out}: no checkpoint to resume from; starting the sweep afresh`);
    }
  }
  let elsewhere = 0;
  if (resuming) {
    if (o.shard) o.shard.removeStaleTemps(runsDir);
    else removeStaleTemps(runsDir);
    const present = new Set(readdirSync(runsDir));
    for (let id = 0; id < total; id++) {
      if (o.shard && !o.shard.owns(id)) {
        statuses[id] = RUN_ELSEWHERE;
        elsewhere++;
        continue;
      }
      const p = Math.floor(id / R);
      const r = id % R;
      const name = partFileName(p, r);
      if (!present.has(name)) continue;
      // Every kept part is checked whole (checksums, run identity); a damaged one is run again.
      try {
        verifyPart(join(runsDir, name), { point: p, replicate: r, seed: seedOf(id) });
      } catch (e) {
        if (!(e instanceof PartDamagedError)) throw e;
        log(`note: ${e.path}: ${e.reason}; running it again`);
        rmSync(e.path, { force: true });
        continue;
      }
      statuses[id] = RUN_OK;
      skipped++;
    }
    log(`${o.shard?.label ?? 'resuming'}: ${skipped} of ${total - elsewhere} runs already done`);
  } else {
    if (existsSync(runsDir)) {
      const old = readdirSync(runsDir).filter((n) => n.endsWith('.ndjson')).length;
      if (old > 0) log(`${runsDir}: discarding ${old} finished runs of an earlier sweep (pass resume to continue it instead)`);
    }
    rmSync(runsDir, { recursive: true, force: true });
    mkdirSync(runsDir, { recursive: true });
    writeFileAtomic(checkpointPath, jsonText({ tool: 'allora-sim', version: packageInfo().version, sweep: definition } satisfies Checkpoint));
  }

  return { statuses, skipped, elsewhere };
}
