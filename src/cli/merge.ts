// `allora-sim merge`: parse, call, print (the logic is in src/commands/merge.ts).
import type { Command } from 'commander';
import { FORMAT_OPTION } from './options.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .summary('assemble the part files of a sharded sweep (sweep --shard i/n) into its outputs; never simulates')
    .description(
      'Assemble the runs of a sweep that ran in shards (sweep --shard i/n, e.g. the tasks of a Slurm job array)\n' +
        'into the outputs of a one-machine sweep: the same tables and summary.csv byte for byte, and manifest.json\n' +
        'with the shards\' stamps. DIR is one directory all shards wrote into, or one directory per shard. The\n' +
        'definition comes from the checkpoints (.runs/sweep.json), never from the scenario file.',
    )
    .argument('<dir...>', 'output directory of the shards (one shared, or one per shard)')
    .option('-o, --output <dir>', 'where the outputs go (default: DIR when there is one; required with several)')
    .option('--no-figures', 'skip sweep.svg/.png and sweep-heatmap.svg/.png')
    .option('--quiet', 'no informational lines')
    .option(...FORMAT_OPTION)
    .addHelpText(
      'after',
      '\nExamples:\n  allora-sim merge output/grid-sweep\n  allora-sim merge -o output/grid-sweep shard-1 shard-2 shard-3\n\n' +
        'Exit codes: 0 merged; 1 runs missing (the shard indices to resubmit are named); 2 bad input (no checkpoint,\n' +
        'different sweep definitions, mixed allora-sim or Node versions).',
    )
    .action(async (dirs: string[], o: { output?: string; quiet?: boolean; figures?: boolean; format?: 'csv' | 'parquet' }) => {
      const { mergeShards } = await import('../commands/merge.js');
      const res = await mergeShards({
        dirs,
        out: o.output,
        figures: o.figures,
        format: o.format,
        log: o.quiet ? () => undefined : (s: string) => void process.stderr.write(`${s}\n`),
      });
      const shards = res.shards === undefined ? `${res.stamps} shard stamp(s)` : `${res.shards} shard(s)`;
      process.stdout.write(
        `merge: ${res.points} point(s) × ${res.replicates} replicate(s) = ${res.total} runs from ${shards} → ${res.out}\n` +
          `  ${res.outputs.join(', ')}\n`,
      );
    });
}
