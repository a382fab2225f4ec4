// Typed arrays for the engine's per-epoch work. A Float64Array of more than 8 values keeps its memory outside
// V8's heap, and allocating one costs as much as a few hundred arithmetic operations (a small one, or a view
// on existing memory, is nearly free); an epoch needs dozens. So the engine carves its arrays from shared
// 64 KiB blocks: each region is handed out once (zero-filled, never reused), and a block is freed by the
// garbage collector once no array carved from it is reachable. Results do not depend on where an array
// lives. (A consequence to know: `array.buffer` is the whole block.)

const BLOCK = 1 << 13; // doubles (64 KiB)
let block = new Float64Array(0);
let used = 0;

/** Consecutive zero-filled Float64Array views of the given lengths. */
export function float64Views(...lengths: number[]): Float64Array<ArrayBuffer>[] {
  let total = 0;
  for (const n of lengths) total += n;
  let mem: Float64Array<ArrayBuffer>;
  let at = 0;
  if (total > BLOCK >> 2) mem = new Float64Array(total);
  else {
    if (used + total > block.length) {
      block = new Float64Array(BLOCK);
      used = 0;
    }
    mem = block;
    at = used;
    used += total;
  }
  // Views made by the constructor on the block's buffer (what `subarray` makes, at half its cost).
  const buf = mem.buffer;
  const base = mem.byteOffset;
  const out: Float64Array<ArrayBuffer>[] = new Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i];
    out[i] = new Float64Array(buf, base + at * 8, n);
    at += n;
  }
  return out;
}

/** One zero-filled Float64Array of length n (`float64Views(n)[0]`). */
export const float64Array = (n: number): Float64Array<ArrayBuffer> => float64Views(n)[0];

/** dst[at + i] = src[i] for every i: a plain loop, cheaper than `TypedArray.set` for the engine's short arrays. */
export function copyInto(dst: Float64Array, src: ArrayLike<number>, at = 0): void {
  for (let i = 0; i < src.length; i++) dst[at + i] = src[i];
}

const IBLOCK = 1 << 14; // int32s (64 KiB)
let iblock = new Int32Array(0);
let iused = 0;

/** Consecutive zero-filled Int32Array views of the given lengths (carved as `float64Views` carves its arrays). */
export function int32Views(...lengths: number[]): Int32Array<ArrayBuffer>[] {
  let total = 0;
  for (const n of lengths) total += n;
  let mem: Int32Array<ArrayBuffer>;
  let at = 0;
  if (total > IBLOCK >> 2) mem = new Int32Array(total);
  else {
    if (iused + total > iblock.length) {
      iblock = new Int32Array(IBLOCK);
      iused = 0;
    }
    mem = iblock;
    at = iused;
    iused += total;
  }
  const buf = mem.buffer;
  const base = mem.byteOffset;
  const out: Int32Array<ArrayBuffer>[] = new Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i];
    out[i] = new Int32Array(buf, base + at * 4, n);
    at += n;
  }
  return out;
}
