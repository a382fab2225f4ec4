// Typed arrays for the engine's per-epoch work. A Float64Array of more than 8 values keeps its memory outside
// V8's heap, and allocating one costs as much as a few hundred arithmetic operations (a small one, or a view
// on existing memory, is nearly free); an epoch needs dozens. So the engine carves its arrays from shared
// 64 KiB blocks: each region is handed out once (zero-filled, never reused), and a block is freed by the
// garbage collector once no array carved from it is reachable. Results do not depend on where an array
// lives. (A consequence to know: `array.buffer` is the whole block.)

/** A typed-array kind the engine carves: its constructor on a buffer, and its element size. */
interface ArrayKind<T> {
  make(buf: ArrayBuffer, byteOffset: number, length: number): T;
  bytes: number;
}

/** `views(...lengths)`: consecutive zero-filled views of the given lengths, carved from 64 KiB blocks of one kind
 *  (a request above a quarter block gets memory of its own). */
function blockCarver<T>(kind: ArrayKind<T>): (...lengths: number[]) => T[] {
  const blockBytes = 1 << 16;
  let block = new ArrayBuffer(0);
  let used = 0; // bytes
  return (...lengths) => {
    let total = 0;
    for (const n of lengths) total += n;
    const bytes = total * kind.bytes;
    let buf: ArrayBuffer;
    let at: number;
    if (bytes > blockBytes >> 2) {
      buf = new ArrayBuffer(bytes);
      at = 0;
    } else {
      if (used + bytes > block.byteLength) {
        block = new ArrayBuffer(blockBytes);
        used = 0;
      }
      buf = block;
      at = used;
      used += bytes;
    }
    // Views made by the constructor on the block's buffer (what `subarray` makes, at half its cost).
    const out: T[] = new Array(lengths.length);
    for (let i = 0; i < lengths.length; i++) {
      out[i] = kind.make(buf, at, lengths[i]);
      at += lengths[i] * kind.bytes;
    }
    return out;
  };
}

/** Consecutive zero-filled Float64Array views of the given lengths. */
export const float64Views: (...lengths: number[]) => Float64Array<ArrayBuffer>[] = blockCarver({
  make: (buf, at, n) => new Float64Array(buf, at, n),
  bytes: 8,
});

/** Consecutive zero-filled Int32Array views of the given lengths (carved as `float64Views` carves its arrays). */
export const int32Views: (...lengths: number[]) => Int32Array<ArrayBuffer>[] = blockCarver({
  make: (buf, at, n) => new Int32Array(buf, at, n),
  bytes: 4,
});

/** One zero-filled Float64Array of length n (`float64Views(n)[0]`). */
export const float64Array = (n: number): Float64Array<ArrayBuffer> => float64Views(n)[0];

/** dst[at + i] = src[i] for every i: a plain loop, cheaper than `TypedArray.set` for the engine's short arrays. */
export function copyInto(dst: Float64Array, src: ArrayLike<number>, at = 0): void {
  for (let i = 0; i < src.length; i++) dst[at + i] = src[i];
}
