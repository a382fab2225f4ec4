// `allora-sim run` and `allora-sim figures`: parse, call, print. The policy is src/commands/run.ts.
import type { Command } from 'commander';
import type { ScenarioRunOptions } from '../commands/run.js';
import { clampThreads } from '../commands/limits.js';
import { aliasHelp } from '../scenario/keys.js';
import { InputError, printable } from '../scenario/errors.js';
import { FORCE_OPTION, FORMAT_OPTION, TABLES_OPTION, collect, positiveInt, runSeed } from './options.js';

/** `--figure-seeds`: which seeds Figures 2–3 of an agents run with several seeds are drawn from. */
const FIGURE_SEEDS_OPTION = [
  '--figure-seeds <which>',
  "Figures 2–3 of an agents run with --seeds N > 1: 'all' (default) draws every seed — the median over seeds as the " +
    "line, the 10–90 % range as a band, workers ranked within each seed — 'first' draws the first seed's trace, as a single run does " +
    '(bands need every run\'s losses, rewards and tasks: with --tables leaving them out, the first seed is drawn and the subtitle says so)',
  figureSeedsOption,
] as const;

function figureSeedsOption(v: string): 'all' | 'first' {
  const t = v.trim();
  if (t === 'all' || t === 'first') return t;
  throw new InputError(`--figure-seeds: must be all or first (got '${printable(v, 40)}')`);
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .summary('run a scenario (Figures 2–3 experiment or Figure 4 tokenomics) over N seeds → CSVs, figures, claims')
    .description(
      'Run a scenario: the §3.3 experiment (kind: agents → losses.csv, rewards.csv, tasks.csv, reputers.csv, Figures 2–3)\n' +
        'or the §5 tokenomics (kind: tokenomics → tokenomics.csv, topics.csv, validators.csv, Figure 4), with\n' +
        'summary.json (headline metrics, the paper\'s claims as true/false with numbers), metrics.csv (one row per run)\n' +
        'and manifest.json.',
    )
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json); see scenarios/ and schema/scenario.schema.json')
    .option('-o, --output <dir>', 'output directory (default: output/<scenario name>/)')
    .option('--seed <S>', 'base seed (default: the scenario\'s seed)')
    .option('--seeds <N>', "number of replicates, seeds derived from the base seed (default: the scenario's runs, 1)", positiveInt('--seeds'))
    .option('--run-seed <S>', 'run exactly one run with this run seed (as printed for a failed run)', runSeed)
    .option('--epochs <N>', 'horizon: epochs of an agents scenario (a warm-up ≥ N becomes ⌊N/10⌋), months of a tokenomics scenario', positiveInt('--epochs'))
    .option('--months <N>', 'horizon of a tokenomics scenario in months (rows 0 … N − 1; same as --epochs there)', positiveInt('--months'))
    .option('--profile <name>', 'mechanism profile: reference or whitepaper (default: the scenario\'s)')
    .option('--set <key=value>', 'override a scenario value by path or alias, e.g. --set p=2.5 (repeatable)', collect, [])
    .option(...TABLES_OPTION)
    .option(...FORMAT_OPTION)
    .option('--threads <N>', 'worker threads (default: the cores available; more are clamped to them)', positiveInt('--threads'))
    .option('--quiet', 'no progress output')
    .option('--resume', 'continue an interrupted run in the same output directory (finished replicates are kept)')
    .option(...FORCE_OPTION)
    .option('--fail-fast', 'stop at the first replicate that fails')
    .option('--no-figures', 'skip the SVG/PNG figures')
    .option(...FIGURE_SEEDS_OPTION)
    .option('--record-replay', 'also write the first run in the replay format (replay.csv): allora-sim replay replay.csv -o out.csv reproduces it')
    .addHelpText(
      'after',
      `\nShort keys for --set:\n${aliasHelp()}\n\nExit codes: 0 done, 1 a run failed, 2 bad input, 130/143 interrupted (resume with --resume).`,
    )
    .action(async (file: string, o: RunFlags) => {
      const { runScenarioFile } = await import('../commands/run.js');
      const res = await runScenarioFile(file, toRunOptions(o));
      process.stdout.write(res.report + '\n');
    });

  program
    .command('figures')
    .summary('reproduce whitepaper Figures 2, 3 and 4 into output/ (the quick-start command)')
    .description('Reproduce every figure of the whitepaper the tool knows (2, 3 and 4) with their CSVs, summaries and manifests.')
    .option('-o, --output <dir>', 'output root; each scenario writes into <dir>/<scenario name>/', 'output')
    .option('--seeds <N>', 'replicates of the agents scenarios (Figures 2–3 of several seeds: median and 10–90 % band)', positiveInt('--seeds'), 1)
    .option(...FIGURE_SEEDS_OPTION)
    .option('--profile <name>', 'mechanism profile: reference or whitepaper (default: each scenario\'s)')
    .option(...TABLES_OPTION)
    .option('--threads <N>', 'worker threads (default: the cores available)', positiveInt('--threads'))
    .option('--quiet', 'no progress output')
    .option(...FORCE_OPTION)
    .action(async (o: RunFlags) => {
      const { runScenarioFile, FIGURE_SCENARIOS } = await import('../commands/run.js');
      for (const f of FIGURE_SCENARIOS) {
        const res = await runScenarioFile(f, { ...toRunOptions({ ...o, output: undefined }), outRoot: o.output ?? 'output' });
        process.stdout.write(res.report + '\n');
      }
    });
}

interface RunFlags {
  output?: string;
  seed?: string;
  seeds?: number;
  runSeed?: number;
  epochs?: number;
  months?: number;
  profile?: string;
  set?: string[];
  tables?: string;
  format?: 'csv' | 'parquet';
  threads?: number;
  quiet?: boolean;
  figures?: boolean;
  figureSeeds?: 'all' | 'first';
  recordReplay?: boolean;
  resume?: boolean;
  force?: boolean;
  failFast?: boolean;
}

function toRunOptions(o: RunFlags): ScenarioRunOptions {
  const note = (l: string) => void process.stderr.write(`${l}\n`);
  return {
    outDir: o.output,
    outRoot: 'output',
    seed: o.seed,
    seeds: o.seeds,
    runSeed: o.runSeed,
    epochs: o.epochs ?? o.months,
    profile: o.profile,
    set: o.set ?? [],
    tables: o.tables,
    format: o.format,
    threads: clampThreads(o.threads, note),
    quiet: o.quiet ?? false,
    figures: o.figures !== false,
    figureSeeds: o.figureSeeds,
    recordReplay: o.recordReplay,
    resume: o.resume,
    force: o.force,
    failFast: o.failFast,
    note,
  };
}
