// `allora-sim attacks`: parse, call, print.
import type { Command } from 'commander';
import { InputError } from '../scenario/errors.js';
import { isProfileName } from '../engine/params.js';
import { collect, positiveInt } from './options.js';

interface AttacksFlags {
  seeds?: number;
  profile?: string;
  output?: string;
  list?: boolean;
  set: string[];
  threads?: number;
  quiet?: boolean;
  tables?: string;
  figures: boolean;
}

export function registerAttacks(program: Command): void {
  program
    .command('attacks')
    .summary('run the attack studies (scenarios/attacks/*.yaml) and judge each robustness claim')
    .description(
      'Run the attack studies of scenarios/attacks/ (all, or the ones named): each runs its sweep grid × seeds,\n' +
        'every run paired with the same seed without the attackers. Writes per study <dir>/<name>/: summary.json\n' +
        '(per point metric distributions and the verdict on the claim), attack-metrics.csv, actors.csv,\n' +
        'attack-curve.svg/.png and for two-axis grids attack-map.svg/.png; then <dir>/verdicts.json and\n' +
        '<dir>/claims.md, and prints the claims table. Every study and grid point is checked before anything runs.',
    )
    .argument('[name...]', 'studies to run (default: all; see --list)')
    .option('--list', 'list the studies and exit')
    .option('--seeds <N>', "seeds per grid point (default: the study's sweep: section, 20)", positiveInt('--seeds'))
    .option('--profile <name>', 'mechanism profile: reference or whitepaper')
    .option('-o, --output <dir>', 'output directory (default: output/attacks/<profile>/)')
    .option('--set <key=value>', 'override applied to every study and point (repeatable)', collect, [])
    .option('--threads <N>', 'worker threads (default: the cores available)', positiveInt('--threads'))
    .option('--tables <which>', "suite (default: actors.csv and attack-metrics.csv) or all (every table of every run)")
    .option('--no-figures', 'skip attack-curve / attack-map')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      '\nExamples:\n  allora-sim attacks --list\n  allora-sim attacks reputer-cabal --seeds 10\n  allora-sim attacks --profile whitepaper -o output/attacks-wp\n\n' +
        'Exit codes: 0 done (whatever the verdicts), 1 a run failed, 2 bad input, 130/143 interrupted.',
    )
    .action(async (names: string[], o: AttacksFlags) => {
      // Loaded when used: the studies pull in the runner and the chart library.
      const { listStudies, runAttacks } = await import('../commands/attacks.js');
      if (o.list) {
        process.stdout.write(`${listStudies()}\n`);
        return;
      }
      if (o.profile !== undefined && !isProfileName(o.profile)) throw new InputError(`--profile ${o.profile}: must be one of 'reference', 'whitepaper'`);
      if (o.tables !== undefined && o.tables !== 'suite' && o.tables !== 'all') throw new InputError(`--tables ${o.tables}: must be 'suite' or 'all'`);
      const t0 = Date.now();
      const res = await runAttacks({
        names,
        seeds: o.seeds,
        profile: o.profile,
        outDir: o.output,
        set: o.set,
        threads: o.threads,
        progress: o.quiet ? 'quiet' : 'auto',
        tables: o.tables as 'suite' | 'all' | undefined,
        figures: o.figures,
        log: o.quiet ? undefined : (l) => process.stderr.write(`${l}\n`),
      });
      const runs = res.results.reduce((a, r) => a + r.runs, 0);
      process.stdout.write(
        `${res.table}\n\nattacks: ${res.results.length} studies, ${runs} runs (each paired with its honest run) in ${((Date.now() - t0) / 1000).toFixed(0)} s → ${res.out}\n`,
      );
    });
}
