// Benchmark: one full synthesis epoch (all secondary inferences, stake-weighted losses, every regret update)
// for N_i = N_f = N, and the log-log slope of its cost.
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import {
  emptyRegretState,
  objectLayout,
  stakeWeightedLosses,
  synthesize,
  updateRegrets,
} from '../src/engine/synthesis.js';
import { profileParams } from '../src/engine/params.js';


/** Median wall time (ms) of one synthesis epoch with N_i = N_f = n and nR reputers. */
export function timeSynthesisEpoch(n: number, nR = 5, minMs = 300): number {
  const prm = profileParams('reference');
  const rnd = seedrandom(`bench/${n}`);
  const st = emptyRegretState(n, n);
  for (const a of [st.network, st.naive, st.oneOut, st.oneIn]) for (let i = 0; i < a.length; i++) a[i] = rnd() - 0.5;
  st.networkLoss = -1;
  const inferences = Float64Array.from({ length: n }, () => rnd());
  const forecasts = Float64Array.from({ length: n * n }, () => -1 - rnd());
  const L = objectLayout(n, n);
  const reports = Float64Array.from({ length: nR * L.count }, () => -1 - rnd());
  const stakes = Float64Array.from({ length: nR }, () => 1 + rnd());
  const times: number[] = [];
  const start = performance.now();
  do {
    const t0 = performance.now();
    synthesize({ inferences, forecasts }, st, prm);
    const losses = stakeWeightedLosses(reports, stakes, L.count);
    updateRegrets(st, losses, prm);
    times.push(performance.now() - t0);
  } while (performance.now() - start < minMs || times.length < (n >= 512 ? 1 : 3));
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

export function benchSynthesis(sizes = [3, 32, 256, 1024]): string[] {
  const out = ['synthesis: one full epoch (synthesis + eq-14 losses + eq-15 regret updates), N_r = 5, median'];
  const t = new Map<number, number>();
  for (const n of sizes) {
    const ms = timeSynthesisEpoch(n);
    t.set(n, ms);
    out.push(`  N_i = N_f = ${String(n).padStart(4)}: ${ms.toFixed(3).padStart(10)} ms/epoch`);
  }
  if (t.has(32) && t.has(1024)) {
    const slope = Math.log(t.get(1024)! / t.get(32)!) / Math.log(1024 / 32);
    out.push(`  log-log slope 32 → 1024: ${slope.toFixed(2)}  (N² would be 2.00, N³ 3.00)`);
  }
  return out;
}
