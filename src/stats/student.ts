// Student's t and the normal distribution: the tails the `check` command's band needs. Pure functions.

/** ln Γ(x), x > 0 (Lanczos; ~1e−10 relative). */
export function lnGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const t = x + 5.5;
  const tmp = t - (x + 0.5) * Math.log(t);
  let ser = 1.000000000190015;
  for (const cj of c) ser += cj / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (bt * betaContinuedFraction(a, b, x)) / a : 1 - (bt * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(Z > z) for a standard normal (erfc by Chebyshev fit, < 1.2e−7 relative). */
export function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const erfc =
    t *
    Math.exp(
      -ax * ax -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 0.5 * (x >= 0 ? erfc : 2 - erfc);
}

/** P(T > t) for Student's t with `df` degrees of freedom. */
export function studentUpperTail(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? tail : 1 - tail;
}

/** The Student-t quantile with the same upper tail as z standard deviations of a normal (→ z as df → ∞). */
export function studentMultiplier(z: number, df: number): number {
  if (!(df > 0) || !Number.isFinite(df)) return z;
  return upperTailInverse(normalUpperTail(z), df, { start: Math.max(1, z), cap: 1e12, steps: 200, relTol: 1e-12 });
}

/** The t > 0 with studentUpperTail(t, df) = q: doubling from `start` (while below `cap`) to bracket it, then at
 *  most `steps` bisections until the bracket is narrower than `relTol` of its upper end. */
function upperTailInverse(q: number, df: number, o: { start: number; cap: number; steps: number; relTol: number }): number {
  let lo = 0;
  let hi = o.start;
  while (studentUpperTail(hi, df) > q && hi < o.cap) hi *= 2;
  for (let i = 0; i < o.steps && hi - lo > o.relTol * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentUpperTail(mid, df) > q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The p-quantile of Student's t with `df` degrees of freedom (p ∈ (0, 1), df > 0): the t with
 *  P(T ≤ t) = p, found by bisection on the upper tail (accurate to ~1e−10 relative, the Lanczos ln Γ). */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentQuantile(1 - p, df);
  return upperTailInverse(1 - p, df, { start: 1, cap: 1e300, steps: 400, relTol: 1e-15 });
}
