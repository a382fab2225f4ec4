// `allora-sim check`: parse, call, print. The logic is src/commands/check.ts, the report src/output/check-report.ts.
import type { Command } from 'commander';
import { InputError } from '../scenario/errors.js';
import { CHECK_SEED_OFFSET, DEFAULT_CHECK_SEEDS, DEFAULT_Z } from '../output/check-types.js';
import { CHECK_FORMATS, formatCheckReport, formatCheckText, formatUpdateText, type CheckFormat } from '../output/check-report.js';
import { collect, positiveInt } from './options.js';
import { clampThreads } from '../commands/limits.js';



/** A regression: the report is out, the exit code is 1 and stderr names the metrics. */
export class RegressionError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'RegressionError';
  }
}

interface CheckFlags {
  baseline?: string;
  seeds?: number;
  seed?: string;
  profile?: string;
  set: string[];
  update?: boolean;
  format: string;
  output?: string;
  threads?: number;
  quiet?: boolean;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'CI regression check: run a scenario over N seeds and compare each headline metric (those of summary.json) ' +
        'with a baseline file, within a band from the Monte Carlo error of both runs (or the baseline\'s per-metric ' +
        'tolerance). --update writes the baseline instead.',
    )
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json), e.g. scenarios/figure2-3.yaml')
    .option('--baseline <file>', 'baseline JSON (required), e.g. baselines/figure2-3.json')
    .option('--seeds <N>', `number of seeds to run (default ${DEFAULT_CHECK_SEEDS}; tokenomics scenarios run once)`, positiveInt('--seeds'))
    .option('--seed <S>', `base seed (default: the baseline's base seed + ${CHECK_SEED_OFFSET}, so no seed is shared with it; with --update: the scenario's seed)`)
    .option('--profile <name>', "mechanism profile: reference or whitepaper (default: the scenario's)")
    .option('--set <key=value>', 'change a scenario value for this run, e.g. --set p=1 (repeatable); not part of the baseline match', collect, [])
    .option('--update', 'write a new baseline from this run (atomically; tolerances of the old file are kept) and exit 0')
    .option('--format <fmt>', `report format: ${CHECK_FORMATS.join(', ')}`, 'text')
    .option('-o, --output <file>', 'write the report (in --format) to this file; the terminal gets the text table')
    .option('--threads <N>', 'worker threads (default: the cores available; more are clamped to them)', positiveInt('--threads'))
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `\nBand: |mean_now − mean_baseline| ≤ t·SE, SE the pooled standard error of the difference of the means, t the\n` +
        `Student quantile at the tail of z = ${DEFAULT_Z} (two-sided 6.3e−5 per metric); a per-metric "tolerance":\n` +
        `{"abs": …, "rel": …, "z": …} in the baseline file replaces it.\n\n` +
        `Example:\n  allora-sim check scenarios/figure2-3.yaml --baseline baselines/figure2-3.json --seeds 16 --format junit -o check.xml\n\n` +
        `Exit codes: 0 pass (or baseline written), 1 regression, 2 bad input (corrupt or mismatched baseline, bad option).`,
    )
    .action(async (file: string, o: CheckFlags) => {
      if (!o.baseline) throw new InputError('check: --baseline <file> is required (make one with --baseline FILE --update)');
      if (!(CHECK_FORMATS as readonly string[]).includes(o.format)) {
        throw new InputError(`--format: must be one of ${CHECK_FORMATS.join(', ')} (got '${o.format}')`);
      }
      const format = o.format as CheckFormat;
      const opts = {
        baseline: o.baseline,
        seeds: o.seeds,
        seed: o.seed,
        profile: o.profile,
        set: o.set,
        threads: clampThreads(o.threads, (l) => void process.stderr.write(`${l}\n`)),
        progress: o.quiet ? ('quiet' as const) : ('auto' as const),
      };
      // Loaded here, not at start-up (the command pulls in the simulator and the schema validator).
      const { runCheck, updateBaseline, writeFileAtomic } = await import('../commands/check.js');
      if (o.update) {
        const u = await updateBaseline(file, opts);
        process.stdout.write(formatUpdateText(u));
        return;
      }
      const report = await runCheck(file, opts);
      if (o.output) {
        writeFileAtomic(o.output, formatCheckReport(report, format));
        process.stdout.write(formatCheckText(report));
      } else {
        process.stdout.write(formatCheckReport(report, format));
      }
      if (!report.passed) {
        throw new RegressionError(`regression in ${report.scenario}: ${report.failed.join(', ')} moved beyond the baseline's band`);
      }
    });
}
