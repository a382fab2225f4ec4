// `npm run bench`: prints the engine's and the runner's costs as times and ratios measured in this run.
import { benchSynthesis } from './synthesis-bench.js';

const sections: (() => string[] | Promise<string[]>)[] = [() => benchSynthesis()];
for (const s of sections) {
  for (const line of await s()) process.stdout.write(line + '\n');
}
