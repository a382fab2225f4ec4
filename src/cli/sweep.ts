// `allora-sim sweep`: parse, call, print. The policy is src/commands/sweep.ts.
import type { Command } from 'commander';
import { clampThreads } from '../commands/limits.js';
import { aliasHelp } from '../scenario/keys.js';
import { FORCE_OPTION, FORMAT_OPTION, TABLES_OPTION, collect, positiveInt } from './options.js';
import { parseShard } from '../runner/shard.js';

/** Checks `--shard` as it is parsed (one line, exit 2); the text goes on to the command. */
const checkShard = (v: string): string => (parseShard(v), v);

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .summary('run a scenario over a grid of parameters × seeds, on all cores, resumable')
    .description(
      'Run a scenario over a grid of parameter values × seeds on all cores. Writes <table>.csv with point,\n' +
        'replicate and swept-parameter columns, summary.csv (per point and metric: n, mean, std, standard error,\n' +
        '95 % Student-t interval of the mean, median, p10, p90; the share of seeds in which each claim holds;\n' +
        'the paired difference to a reference point), metrics.csv (one row per run) and manifest.json, and\n' +
        'prints a summary table. Interrupted sweeps keep finished runs; --resume continues them.\n\n' +
        'Seeds: by default every point uses the same seeds (common random numbers): replicate r has the seed of\n' +
        "replicate r of `run --seeds N`, so differences between points are the mechanism's and the point equal\n" +
        "to the scenario's own values reproduces `run` exactly. --independent draws seeds from each point's\n" +
        'values instead (no paired differences then).',
    )
    .argument('<scenario>', 'scenario file (.yaml, .yml, .json; agents or tokenomics); a sweep: section may hold the grid')
    .option('--grid <key=values>', 'values of one key: a list v1,v2,… or a range start:stop:step (repeatable; full grid)', collect, [])
    .option('--zip', 'pair the --grid lists element by element instead of taking their Cartesian product')
    .option('--seeds <N>', "replicates per grid point (default: the sweep: section's, else the scenario's runs)", positiveInt('--seeds'))
    .option('--seed <S>', "base seed; every run's seed is derived from (base seed, replicate) — and the point's values with --independent")
    .option('--independent', "seeds from each point's values (every point draws its own population) instead of the same seeds at every point; summary.csv then has no paired differences")
    .option(
      '--reference <key=value,…>',
      "the point the paired differences in summary.csv are taken to (this point − reference, seed by seed, with a paired 95 % interval): a value for every swept key; default the point equal to the scenario's own values (none: no differences); not with --independent",
    )
    .option('-o, --output <dir>', 'output directory (default: output/<scenario name>-sweep/)')
    .option('--profile <name>', 'mechanism profile: reference or whitepaper')
    .option('--set <key=value>', 'fixed override applied to every point (repeatable)', collect, [])
    .option('--epochs <N>', 'number of epochs (a warm-up ≥ N becomes ⌊N/10⌋)', positiveInt('--epochs'))
    .option(...TABLES_OPTION)
    .option(...FORMAT_OPTION)
    .option('--threads <N>', 'worker threads (default: SLURM_CPUS_PER_TASK, else the cgroup CPU quota, else the cores available; more are clamped to them)', positiveInt('--threads'))
    .option('--no-figures', 'skip sweep.svg/.png and sweep-heatmap.svg/.png')
    .option('--quiet', 'no progress output and no summary table')
    .option('--resume', 'continue an interrupted sweep in the same output directory')
    .option('--shard <i/n>', 'run shard i of n (1-based; auto/n: index from SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX, 0-based), always resumable, no outputs: assemble them with merge', checkShard)
    .option(...FORCE_OPTION)
    .option('--fail-fast', 'stop at the first run that fails (default: finish the others, then list the failures)')
    .addHelpText(
      'after',
      `\nKeys: full scenario paths (mechanism.p, participants.inferers.count, …) or the paper's symbols:\n${aliasHelp()}\n\n` +
        'Examples:\n  allora-sim sweep scenarios/figure2-3.yaml --grid p=2,3,4 --grid alpha=0.05,0.1 --seeds 8\n' +
        '  allora-sim sweep scenarios/figure2-3.yaml --grid p=1:5:0.5 --seeds 4 --threads 2\n\n' +
        'Exit codes: 0 done, 1 some runs failed (listed with their point and seed), 2 bad input, 130/143 interrupted.',
    )
    .action(async (file: string, o: SweepFlags) => {
      const note = (l: string) => void process.stderr.write(`${l}\n`);
      const { runSweepCommand } = await import('../commands/sweep.js');
      const res = await runSweepCommand(file, {
        profile: o.profile,
        set: o.set,
        grid: o.grid,
        zip: o.zip,
        seeds: o.seeds,
        seed: o.seed,
        epochs: o.epochs,
        tables: o.tables,
        format: o.format,
        outDir: o.output,
        outRoot: 'output',
        threads: clampThreads(o.threads, note),
        progress: o.quiet ? 'quiet' : 'auto',
        resume: o.resume,
        force: o.force,
        failFast: o.failFast,
        shard: o.shard,
        independent: o.independent,
        reference: o.reference,
        figures: o.figures,
        note,
      });
      if (o.shard !== undefined) {
        process.stdout.write(`sweep: shard ${o.shard} (${res.outputs.join(', ')}): ${res.ran} run now, ${res.skipped} resumed, of ${res.total} runs → ${res.out} (assemble with: allora-sim merge)\n`);
        return;
      }
      process.stdout.write(
        `sweep: ${res.points} point(s) × ${res.replicates} replicate(s) = ${res.total} runs (${res.ran} run now, ${res.skipped} resumed) → ${res.out}\n` +
          `  ${res.outputs.join(', ')}\n`,
      );
      if (!o.quiet && res.table && res.table.length > 0) process.stdout.write(`\n${res.table.join('\n')}\n`);
    });
}

interface SweepFlags {
  grid: string[];
  zip?: boolean;
  seeds?: number;
  seed?: string;
  output?: string;
  profile?: string;
  set: string[];
  epochs?: number;
  tables?: string;
  format?: 'csv' | 'parquet';
  threads?: number;
  quiet?: boolean;
  resume?: boolean;
  shard?: string;
  force?: boolean;
  failFast?: boolean;
  independent?: boolean;
  reference?: string;
  figures?: boolean;
}
