// The kernels of @contraspike/backend-wasm, in AssemblyScript (compiled by scripts/build-wasm.mjs).
//
// Memory is imported and laid out by the host (src/arena.ts): every argument is a byte address of a
// region the host filled, and results are written to regions the host reads back. Nothing here
// allocates. Float32 storage and float32 sums (f32x4 SIMD), except lifStep and adamStep, which
// follow the float64 formulas of backend-js element by element so that spikes agree exactly.

// ---------------------------------------------------------------------------------------------
// Vectorised exp

const LOG2E: f32 = <f32>Math.LOG2E;
// ln 2 split in a high part exact in float32 and the rest (Cody–Waite range reduction).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
const EXP_LOW: f32 = -87.33654;
const EXP_HIGH: f32 = 88.3762626647949;

/** e^x lane by lane, relative error ≈ 2 ulp; 0 below e^−87.3, NaN stays NaN. */
function vexp(x: v128): v128 {
  const t = f32x4.min(f32x4.max(x, f32x4.splat(EXP_LOW)), f32x4.splat(EXP_HIGH));
  const n = f32x4.nearest(f32x4.mul(t, f32x4.splat(LOG2E)));
  let r = f32x4.sub(t, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  // e^r on |r| ≤ ln2/2: a degree-6 Taylor–minimax polynomial in Horner form.
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // 2^n from the exponent bits.
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  const y = f32x4.mul(p, scale);
  return v128.andnot(y, f32x4.lt(x, f32x4.splat(EXP_LOW)));
}

function sexp(x: f32): f32 {
  return f32x4.extract_lane(vexp(f32x4.splat(x)), 0);
}

function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

function hmax(v: v128): f32 {
  return max(
    max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)),
  );
}

// ---------------------------------------------------------------------------------------------
// gemm: out = alpha · op(a) · op(b) + beta · out, packed panels and a 4 × 8 register tile.

const MR = 4;
const NR = 8;
/** Rows of op(a) packed at a time (an L2-sized block of A). */
const MC = 128;
/** Depth of one pass (a kc × 8 panel of B, 8 KiB, stays in L1). */
const KC = 256;
/** Columns of out computed per pass over a block of A (a kc × NC slab of B stays in L2). */
const NC = 256;

/** Bytes the host must give each thread for `apack` (+ the edge tile). */
export function gemmScratchBytes(): i32 {
  return MC * KC * 4 + MR * NR * 4;
}

/**
 * Packs op(b) (k × n, element (p, j) at b + 4·(p·bp + j·bj)) into panels of 8 columns:
 * panel q holds rows p = 0..k of columns 8q..8q+8, zero past column n. Panels q0..q1.
 */
function packB(b: usize, bp: i32, bj: i32, k: i32, n: i32, dst: usize, q0: i32, q1: i32): void {
  for (let q = q0; q < q1; q++) {
    const j0 = q * NR;
    let d = dst + <usize>q * <usize>k * (NR * 4);
    if (j0 + NR <= n && bj === 1) {
      for (let p = 0; p < k; p++) {
        const s = b + ((<usize>(p * bp + j0)) << 2);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += NR * 4;
      }
    } else {
      const cols = min(NR, n - j0);
      for (let p = 0; p < k; p++) {
        for (let jj = 0; jj < NR; jj++) {
          const v: f32 = jj < cols ? load<f32>(b + ((<usize>(p * bp + (j0 + jj) * bj)) << 2)) : 0;
          store<f32>(d + ((<usize>jj) << 2), v);
        }
        d += NR * 4;
      }
    }
  }
}

/** Packs rows i0..i0+mc, depths p0..p0+kc of op(a) into panels of 4 rows (zero past row m). */
function packA(a: usize, ai: i32, ap: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let r = 0; r < mc; r += MR) {
    const rows = min(MR, mc - r);
    let d = dst + <usize>r * <usize>kc * 4;
    if (rows === MR && ap === 1) {
      const s0 = a + ((<usize>((i0 + r) * ai + p0)) << 2);
      const s1 = s0 + ((<usize>ai) << 2);
      const s2 = s1 + ((<usize>ai) << 2);
      const s3 = s2 + ((<usize>ai) << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        // 4 × 4 transpose: rows of op(a) become the packed depth-major layout.
        const x0 = v128.load(s0 + ((<usize>p) << 2));
        const x1 = v128.load(s1 + ((<usize>p) << 2));
        const x2 = v128.load(s2 + ((<usize>p) << 2));
        const x3 = v128.load(s3 + ((<usize>p) << 2));
        const t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5);
        const t1 = v128.shuffle<i32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7);
        const t3 = v128.shuffle<i32>(x2, x3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<i64>(t0, t1, 0, 2));
        v128.store(d, v128.shuffle<i64>(t0, t1, 1, 3), 16);
        v128.store(d, v128.shuffle<i64>(t2, t3, 0, 2), 32);
        v128.store(d, v128.shuffle<i64>(t2, t3, 1, 3), 48);
        d += 64;
      }
      for (; p < kc; p++) {
        store<f32>(d, load<f32>(s0 + ((<usize>p) << 2)));
        store<f32>(d, load<f32>(s1 + ((<usize>p) << 2)), 4);
        store<f32>(d, load<f32>(s2 + ((<usize>p) << 2)), 8);
        store<f32>(d, load<f32>(s3 + ((<usize>p) << 2)), 12);
        d += 16;
      }
    } else if (rows === MR && ai === 1) {
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(a + ((<usize>((p0 + p) * ap + i0 + r)) << 2)));
        d += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let ii = 0; ii < MR; ii++) {
          const v: f32 = ii < rows ? load<f32>(a + ((<usize>((i0 + r + ii) * ai + (p0 + p) * ap)) << 2)) : 0;
          store<f32>(d + ((<usize>ii) << 2), v);
        }
        d += 16;
      }
    }
  }
}

/** One row of a tile: c = alpha·acc + beta·c, where beta = 0 ignores c (even NaN). */
function storeRow(c: usize, lo: v128, hi: v128, alpha: v128, beta: f32): void {
  let x = f32x4.mul(lo, alpha);
  let y = f32x4.mul(hi, alpha);
  if (beta !== 0) {
    const b = f32x4.splat(beta);
    x = f32x4.add(x, f32x4.mul(v128.load(c), b));
    y = f32x4.add(y, f32x4.mul(v128.load(c, 16), b));
  }
  v128.store(c, x);
  v128.store(c, y, 16);
}

/**
 * The micro-kernel: a 4 × 8 tile of out from a kc-deep packed A panel and B panel, in eight f32x4
 * accumulators. Writes alpha·acc + beta·c to the tile at `c` (row stride ldc floats) or, for an edge
 * tile, to `tile` (4 × 8, stride 8) for the caller to copy.
 */
function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    pa += 16;
    pb += 32;
  }
  const va = f32x4.splat(alpha);
  const stride = (<usize>ldc) << 2;
  storeRow(c, c00, c01, va, beta);
  storeRow(c + stride, c10, c11, va, beta);
  storeRow(c + 2 * stride, c20, c21, va, beta);
  storeRow(c + 3 * stride, c30, c31, va, beta);
}

/**
 * The gemm descriptor at `desc` (written by src/backend.ts, int32/float32 fields at byte offsets):
 * 0 a, 4 ai, 8 ap: op(a) element (i, p) at a + 4·(i·ai + p·ap); 12 packed B (see packB); 16 out;
 * 20 n; 24 k; 28 b, 32 bp, 36 bj: op(b) element (p, j) at b + 4·(p·bp + j·bj); 40 this thread's
 * scratch (gemmScratchBytes); 44 alpha; 48 beta. One per thread, so a worker runs from one address.
 */
export function packPanels(desc: usize, q0: i32, q1: i32): void {
  packB(
    <usize>load<u32>(desc, 28),
    load<i32>(desc, 32),
    load<i32>(desc, 36),
    load<i32>(desc, 24),
    load<i32>(desc, 20),
    <usize>load<u32>(desc, 12),
    q0,
    q1,
  );
}

/** Rows row0..row1 of out = alpha · op(a) · op(b) + beta · out, from packed B (see packPanels). */
export function gemmRows(desc: usize, row0: i32, row1: i32): void {
  const a = <usize>load<u32>(desc, 0);
  const ai = load<i32>(desc, 4);
  const ap = load<i32>(desc, 8);
  const pb = <usize>load<u32>(desc, 12);
  const c = <usize>load<u32>(desc, 16);
  const n = load<i32>(desc, 20);
  const k = load<i32>(desc, 24);
  const apack = <usize>load<u32>(desc, 40);
  const alpha = load<f32>(desc, 44);
  const beta = load<f32>(desc, 48);
  const tile = apack + MC * KC * 4;
  const panels = (n + NR - 1) / NR;
  if (k === 0) {
    // op(a)·op(b) is all zeros: out = beta·out.
    for (let i = row0; i < row1; i++) {
      for (let j = 0; j < n; j++) {
        const o = c + ((<usize>(i * n + j)) << 2);
        store<f32>(o, beta === 0 ? 0 : beta * load<f32>(o));
      }
    }
    return;
  }
  for (let q0 = 0; q0 < panels; q0 += NC / NR) {
    const q1 = min(panels, q0 + NC / NR);
    for (let i0 = row0; i0 < row1; i0 += MC) {
      const mc = min(MC, row1 - i0);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = min(KC, k - p0);
        packA(a, ai, ap, i0, mc, p0, kc, apack);
        // The first depth block applies beta; later ones accumulate.
        const bt: f32 = p0 === 0 ? beta : 1;
        for (let q = q0; q < q1; q++) {
          const j0 = q * NR;
          const cols = min(NR, n - j0);
          const pbq = pb + (<usize>q * <usize>k + <usize>p0) * (NR * 4);
          for (let r = 0; r < mc; r += MR) {
            const rows = min(MR, mc - r);
            const pa = apack + <usize>r * <usize>kc * 4;
            const co = c + ((<usize>((i0 + r) * n + j0)) << 2);
            if (rows === MR && cols === NR) {
              micro(kc, pa, pbq, co, n, alpha, bt);
            } else {
              // Edge tile: the previous values go through the tile too, so beta applies uniformly.
              for (let ii = 0; ii < rows; ii++) {
                for (let jj = 0; jj < cols; jj++) {
                  store<f32>(tile + ((<usize>(ii * NR + jj)) << 2), load<f32>(co + ((<usize>(ii * n + jj)) << 2)));
                }
              }
              micro(kc, pa, pbq, tile, NR, alpha, bt);
              for (let ii = 0; ii < rows; ii++) {
                for (let jj = 0; jj < cols; jj++) {
                  store<f32>(co + ((<usize>(ii * n + jj)) << 2), load<f32>(tile + ((<usize>(ii * NR + jj)) << 2)));
                }
              }
            }
          }
        }
      }
    }
  }
}

/** The number of ones among `count` floats at a, or −1 when any value is neither 0 nor 1. */
export function countOnes(a: usize, count: i32): i32 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let ones = i32x4.splat(0);
  let bad = i32x4.splat(0);
  let k = 0;
  while (k + 4 <= count) {
    // Blocks of 256 floats, so a matrix that is not binary is rejected after its first block.
    const end = min(count & ~3, k + 256);
    for (; k < end; k += 4) {
      const x = v128.load(a + ((<usize>k) << 2));
      const isOne = f32x4.eq(x, one);
      bad = v128.or(bad, v128.not(v128.or(isOne, f32x4.eq(x, zero))));
      ones = i32x4.sub(ones, isOne); // a true lane is −1
    }
    if (v128.any_true(bad)) return -1;
  }
  let total = i32x4.extract_lane(ones, 0) + i32x4.extract_lane(ones, 1);
  total += i32x4.extract_lane(ones, 2) + i32x4.extract_lane(ones, 3);
  for (; k < count; k++) {
    const x = load<f32>(a + ((<usize>k) << 2));
    if (x === 1) total++;
    else if (x !== 0) return -1;
  }
  return total;
}

/** The number of nonzeros among `count` floats at x, or −1 as soon as there are more than `limit`. */
export function countNonzeros(x: usize, count: i32, limit: i32): i32 {
  const zero = f32x4.splat(0);
  let total = 0;
  let k = 0;
  while (k + 4 <= count) {
    const end = min(count & ~3, k + 256);
    let nonzero = i32x4.splat(0);
    for (; k < end; k += 4) nonzero = i32x4.sub(nonzero, f32x4.ne(v128.load(x + ((<usize>k) << 2)), zero));
    total += i32x4.extract_lane(nonzero, 0) + i32x4.extract_lane(nonzero, 1);
    total += i32x4.extract_lane(nonzero, 2) + i32x4.extract_lane(nonzero, 3);
    if (total > limit) return -1;
  }
  for (; k < count; k++) if (load<f32>(x + ((<usize>k) << 2)) !== 0) total++;
  return total > limit ? -1 : total;
}

/** out = alpha·acc + bt·out on 4 lanes, as storeRow does (bt = 0 ignores out). */
function storeLanes(o: usize, acc: v128, alpha: v128, bt: f32): void {
  let x = f32x4.mul(acc, alpha);
  if (bt !== 0) x = f32x4.add(x, f32x4.mul(v128.load(o), f32x4.splat(bt)));
  v128.store(o, x);
}

/**
 * The nonzeros of each row of op(a), for a with `rows` × `cols` elements, row-major: row i of op(a)
 * is row i of a, or column i when `byColumn` (op(a) = aᵀ; a must then be binary, 0 or 1). Writes,
 * for op(a)'s m rows, offsets[i]..offsets[i + 1] (m + 1 int32) delimiting row i's columns in idx
 * (int32, ascending).
 */
export function spikeIndex(a: usize, rows: i32, cols: i32, byColumn: bool, offsets: usize, idx: usize): void {
  if (!byColumn) {
    let ones = 0;
    store<i32>(offsets, 0);
    for (let i = 0; i < rows; i++) {
      const row = a + ((<usize>(i * cols)) << 2);
      for (let p = 0; p < cols; p++) {
        if (load<f32>(row + ((<usize>p) << 2)) !== 0) {
          store<i32>(idx + ((<usize>ones) << 2), p);
          ones++;
        }
      }
      store<i32>(offsets + ((<usize>(i + 1)) << 2), ones);
    }
    return;
  }
  // Column i of a is row i of op(a). First count the ones of each column into offsets[i + 1]…
  const counts = offsets + 4;
  for (let i = 0; i < cols; i++) store<i32>(counts + ((<usize>i) << 2), 0);
  for (let p = 0; p < rows; p++) {
    const row = a + ((<usize>(p * cols)) << 2);
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const o = (<usize>i) << 2;
      v128.store(counts + o, i32x4.add(v128.load(counts + o), i32x4.trunc_sat_f32x4_s(v128.load(row + o))));
    }
    for (; i < cols; i++) {
      const o = (<usize>i) << 2;
      store<i32>(counts + o, load<i32>(counts + o) + <i32>load<f32>(row + o));
    }
  }
  // …then make offsets[i + 1] the start of column i (a cursor that ends at the start of i + 1)…
  let start = 0;
  store<i32>(offsets, 0);
  for (let i = 0; i < cols; i++) {
    const o = counts + ((<usize>i) << 2);
    const count = load<i32>(o);
    store<i32>(o, start);
    start += count;
  }
  // …and fill the columns' depths in ascending order, one row of a at a time.
  for (let p = 0; p < rows; p++) {
    const row = a + ((<usize>(p * cols)) << 2);
    for (let i4 = 0; i4 < cols; i4 += 4) {
      if (i4 + 4 <= cols && !v128.any_true(v128.load(row + ((<usize>i4) << 2)))) continue;
      const i1 = min(cols, i4 + 4);
      for (let i = i4; i < i1; i++) {
        if (load<f32>(row + ((<usize>i) << 2)) !== 0) {
          const o = counts + ((<usize>i) << 2);
          const at = load<i32>(o);
          store<i32>(idx + ((<usize>at) << 2), p);
          store<i32>(o, at + 1);
        }
      }
    }
  }
}

/** Columns of out summed per pass (the running sums, 8 KiB, stay in L1). */
const NB = 2048;

/** Bytes of scratch a thread needs for spikeRows (its running sums). */
export function spikeScratchBytes(): i32 {
  return NB * 4;
}

/**
 * Event-driven rows row0..row1 of out = alpha · op(a) · b + beta · out for a binary op(a) given by
 * its ones (see spikeIndex): row i of out sums the rows of b (k × n, row-major) at row i's ones.
 * Each element's sum runs over the same depth blocks, in the same order, as gemmRows (whose terms
 * with a zero of op(a) add nothing), and each block is stored as gemmRows stores it, so the result is
 * bit for bit the dense one. When b is sparse too and given by its nonzeros (bOffsets ≠ 0, see
 * spikeIndex), each selected row adds only its nonzeros: every sum still takes its terms in the
 * dense order, and the zeros skipped change nothing (a sum that starts at +0 never becomes −0, and
 * adding ±0 to anything else leaves it as it is), so again the dense result. The descriptor at `desc` (int32/float32 fields at byte
 * offsets): 0 offsets, 4 idx, 16 out, 20 n, 24 k, 28 b, 40 this thread's scratch
 * (spikeScratchBytes), 44 alpha, 48 beta, 52 bOffsets (or 0), 56 bIdx.
 */
export function spikeRows(desc: usize, row0: i32, row1: i32): void {
  const offsets = <usize>load<u32>(desc, 0);
  const idx = <usize>load<u32>(desc, 4);
  const c = <usize>load<u32>(desc, 16);
  const n = load<i32>(desc, 20);
  const k = load<i32>(desc, 24);
  const b = <usize>load<u32>(desc, 28);
  const acc = <usize>load<u32>(desc, 40);
  const alpha = load<f32>(desc, 44);
  const beta = load<f32>(desc, 48);
  const bOffsets = <usize>load<u32>(desc, 52);
  const bIdx = <usize>load<u32>(desc, 56);
  const va = f32x4.splat(alpha);
  const rowBytes = (<usize>n) << 2;
  for (let i = row0; i < row1; i++) {
    const first = load<i32>(offsets + ((<usize>i) << 2));
    const last = load<i32>(offsets + ((<usize>(i + 1)) << 2));
    const co = c + <usize>i * rowBytes;
    for (let j0 = 0; j0 < n; j0 += NB) {
      const nb = min(NB, n - j0);
      const nb4 = nb & ~3;
      const col = (<usize>j0) << 2;
      let q = first;
      for (let p0 = 0; p0 < k; p0 += KC) {
        let end = q;
        while (end < last && load<i32>(idx + ((<usize>end) << 2)) < p0 + KC) end++;
        memory.fill(acc, 0, (<usize>nb) << 2);
        if (bOffsets !== 0) {
          for (; q < end; q++) {
            const p = load<i32>(idx + ((<usize>q) << 2));
            const r1 = load<i32>(bOffsets + ((<usize>(p + 1)) << 2));
            for (let r = load<i32>(bOffsets + ((<usize>p) << 2)); r < r1; r++) {
              const j = load<i32>(bIdx + ((<usize>r) << 2)) - j0;
              if (<u32>j < <u32>nb) {
                const o = acc + ((<usize>j) << 2);
                store<f32>(o, load<f32>(o) + load<f32>(b + <usize>p * rowBytes + col + ((<usize>j) << 2)));
              }
            }
          }
        }
        // Four rows of b per pass over the sums: ((s + b₁) + b₂) + … is the dense order.
        for (; q + 4 <= end; q += 4) {
          const r = idx + ((<usize>q) << 2);
          const b0 = b + <usize>load<i32>(r) * rowBytes + col;
          const b1 = b + <usize>load<i32>(r, 4) * rowBytes + col;
          const b2 = b + <usize>load<i32>(r, 8) * rowBytes + col;
          const b3 = b + <usize>load<i32>(r, 12) * rowBytes + col;
          let j = 0;
          for (; j < nb4; j += 4) {
            const o = (<usize>j) << 2;
            let s = f32x4.add(v128.load(acc + o), v128.load(b0 + o));
            s = f32x4.add(s, v128.load(b1 + o));
            s = f32x4.add(s, v128.load(b2 + o));
            v128.store(acc + o, f32x4.add(s, v128.load(b3 + o)));
          }
          for (; j < nb; j++) {
            const o = (<usize>j) << 2;
            let s = load<f32>(acc + o) + load<f32>(b0 + o);
            s += load<f32>(b1 + o);
            s += load<f32>(b2 + o);
            store<f32>(acc + o, s + load<f32>(b3 + o));
          }
        }
        for (; q < end; q++) {
          const b0 = b + <usize>load<i32>(idx + ((<usize>q) << 2)) * rowBytes + col;
          let j = 0;
          for (; j < nb4; j += 4) {
            const o = (<usize>j) << 2;
            v128.store(acc + o, f32x4.add(v128.load(acc + o), v128.load(b0 + o)));
          }
          for (; j < nb; j++) {
            const o = (<usize>j) << 2;
            store<f32>(acc + o, load<f32>(acc + o) + load<f32>(b0 + o));
          }
        }
        const bt: f32 = p0 === 0 ? beta : 1;
        let j = 0;
        for (; j < nb4; j += 4) {
          const o = (<usize>j) << 2;
          storeLanes(co + col + o, v128.load(acc + o), va, bt);
        }
        for (; j < nb; j++) {
          const o = (<usize>j) << 2;
          let x = load<f32>(acc + o) * alpha;
          if (bt !== 0) x = x + load<f32>(co + col + o) * bt;
          store<f32>(co + col + o, x);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Row reductions and row-wise maps (x is rows × cols float32 at x; f64 vectors at out/scales)

function dot(x: usize, y: usize, cols: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let j = 0;
  for (; j + 8 <= cols; j += 8) {
    const o = (<usize>j) << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  let s = hsum(f32x4.add(s0, s1));
  for (; j < cols; j++) s += load<f32>(x + ((<usize>j) << 2)) * load<f32>(y + ((<usize>j) << 2));
  return s;
}

export function rowSumSquares(x: usize, rows: i32, cols: i32, out: usize): void {
  for (let i = 0; i < rows; i++) {
    const r = x + ((<usize>(i * cols)) << 2);
    store<f64>(out + ((<usize>i) << 3), <f64>dot(r, r, cols));
  }
}

/** out[i, :] = x[i, :] · scales[i]; out may equal x. */
export function scaleRows(x: usize, rows: i32, cols: i32, scales: usize, out: usize): void {
  for (let i = 0; i < rows; i++) {
    const f = <f32>load<f64>(scales + ((<usize>i) << 3));
    const vf = f32x4.splat(f);
    const r = (<usize>(i * cols)) << 2;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = r + ((<usize>j) << 2);
      v128.store(out + o, f32x4.mul(v128.load(x + o), vf));
    }
    for (; j < cols; j++) {
      const o = r + ((<usize>j) << 2);
      store<f32>(out + o, load<f32>(x + o) * f);
    }
  }
}

function rowMax(r: usize, cols: i32): f32 {
  let m = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= cols; j += 4) m = f32x4.max(m, v128.load(r + ((<usize>j) << 2)));
  let s = hmax(m);
  for (; j < cols; j++) s = max(s, load<f32>(r + ((<usize>j) << 2)));
  return s;
}

/** Σ_j exp(r[j] − shift); when `store` is set, also writes each exp back to out. */
function sumExp(r: usize, cols: i32, shift: f32, out: usize): f32 {
  const vs = f32x4.splat(shift);
  let s0 = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const o = (<usize>j) << 2;
    const e = vexp(f32x4.sub(v128.load(r + o), vs));
    if (out !== 0) v128.store(out + o, e);
    s0 = f32x4.add(s0, e);
  }
  let s = hsum(s0);
  for (; j < cols; j++) {
    const o = (<usize>j) << 2;
    const e = sexp(load<f32>(r + o) - shift);
    if (out !== 0) store<f32>(out + o, e);
    s += e;
  }
  return s;
}

export function rowCrossEntropy(x: usize, rows: i32, cols: i32, targets: usize, out: usize): void {
  for (let i = 0; i < rows; i++) {
    const r = x + ((<usize>(i * cols)) << 2);
    const m = rowMax(r, cols);
    const s = sumExp(r, cols, m, 0);
    const t = load<f32>(r + ((<usize>load<i32>(targets + ((<usize>i) << 2))) << 2));
    // (max − target) first: both terms are then ≥ 0 and no cancellation occurs.
    store<f64>(out + ((<usize>i) << 3), <f64>m - <f64>t + Math.log(<f64>s));
  }
}

/** out = softmax of each row of x (out may equal x); logSumExp (f64) per row. */
export function rowSoftmax(x: usize, rows: i32, cols: i32, out: usize, logSumExp: usize): void {
  for (let i = 0; i < rows; i++) {
    const o = (<usize>(i * cols)) << 2;
    const m = rowMax(x + o, cols);
    const s = sumExp(x + o, cols, m, out + o);
    store<f64>(logSumExp + ((<usize>i) << 3), <f64>m + Math.log(<f64>s));
    const inv = f32x4.splat(<f32>(1 / <f64>s));
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const p = out + o + ((<usize>j) << 2);
      v128.store(p, f32x4.mul(v128.load(p), inv));
    }
    for (; j < cols; j++) {
      const p = out + o + ((<usize>j) << 2);
      store<f32>(p, load<f32>(p) * f32x4.extract_lane(inv, 0));
    }
  }
}

/** out[i] = scales[i] · (grad[i] − (x̂_i · grad[i]) x̂_i); out may equal grad. */
export function rowNormalizeBackward(xHat: usize, grad: usize, rows: i32, cols: i32, scales: usize, out: usize): void {
  for (let i = 0; i < rows; i++) {
    const o = (<usize>(i * cols)) << 2;
    const d = f32x4.splat(dot(xHat + o, grad + o, cols));
    const f = <f32>load<f64>(scales + ((<usize>i) << 3));
    const vf = f32x4.splat(f);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const e = o + ((<usize>j) << 2);
      const g = f32x4.sub(v128.load(grad + e), f32x4.mul(d, v128.load(xHat + e)));
      v128.store(out + e, f32x4.mul(vf, g));
    }
    for (; j < cols; j++) {
      const e = o + ((<usize>j) << 2);
      store<f32>(out + e, f * (load<f32>(grad + e) - f32x4.extract_lane(d, 0) * load<f32>(xHat + e)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Element-wise state updates (float64 arithmetic per element, as backend-js, so results agree)

/** Four f32 lanes from two f64x2 (lo → lanes 0, 1; hi → lanes 2, 3), each rounded once. */
function demote4(lo: v128, hi: v128): v128 {
  return v128.shuffle<i64>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** Lanes 2, 3 of an f32x4 as f64x2. */
function promoteHigh(x: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<i64>(x, x, 1, 1));
}

/**
 * One LIF step in place; counts = 0 when there are none. Four neurons at a time: each f64 formula
 * runs in f64x2 lanes and is rounded to f32 once, as the scalar loop for the last columns, so the
 * bits are those of backend-js.
 */
export function lifStep(
  current: usize,
  v: usize,
  threshold: usize,
  trace: usize,
  spikes: usize,
  counts: usize,
  rows: i32,
  cols: i32,
  leak: f64,
  traceDecay: f64,
  adaptation: f64,
  minimum: f64,
): void {
  const vl = f64x2.splat(leak);
  const vd = f64x2.splat(traceDecay);
  const one = f32x4.splat(1);
  const cols4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const base = (<usize>(i * cols)) << 2;
    let fired4 = i32x4.splat(0);
    let j = 0;
    for (; j < cols4; j += 4) {
      const e = base + ((<usize>j) << 2);
      const x = v128.load(v + e);
      const c = v128.load(current + e);
      const x0 = f64x2.promote_low_f32x4(x);
      const x1 = promoteHigh(x);
      const vn = demote4(
        f64x2.add(x0, f64x2.mul(vl, f64x2.sub(f64x2.promote_low_f32x4(c), x0))),
        f64x2.add(x1, f64x2.mul(vl, f64x2.sub(promoteHigh(c), x1))),
      );
      const fire = f32x4.gt(vn, v128.load(threshold + e));
      const z = v128.load(trace + e);
      const decayed = demote4(f64x2.mul(f64x2.promote_low_f32x4(z), vd), f64x2.mul(promoteHigh(z), vd));
      v128.store(v + e, v128.andnot(vn, fire));
      v128.store(trace + e, v128.bitselect(one, decayed, fire));
      v128.store(spikes + e, v128.and(one, fire));
      fired4 = i32x4.sub(fired4, fire); // a firing lane is −1
      if (counts !== 0) {
        const n = v128.load(counts + e);
        v128.store(counts + e, v128.bitselect(f32x4.add(n, one), n, fire));
      }
    }
    let fired = i32x4.extract_lane(fired4, 0) + i32x4.extract_lane(fired4, 1);
    fired += i32x4.extract_lane(fired4, 2) + i32x4.extract_lane(fired4, 3);
    for (; j < cols; j++) {
      const e = base + ((<usize>j) << 2);
      const v0 = <f64>load<f32>(v + e);
      const vn = <f32>(v0 + leak * (<f64>load<f32>(current + e) - v0));
      if (vn > load<f32>(threshold + e)) {
        store<f32>(v + e, 0);
        store<f32>(trace + e, 1);
        store<f32>(spikes + e, 1);
        fired++;
        if (counts !== 0) store<f32>(counts + e, load<f32>(counts + e) + 1);
      } else {
        store<f32>(v + e, vn);
        store<f32>(trace + e, <f32>(<f64>load<f32>(trace + e) * traceDecay));
        store<f32>(spikes + e, 0);
      }
    }
    if (adaptation !== 0) {
      const shift = adaptation * <f64>(fired - 1);
      const vs = f64x2.splat(shift);
      const vm = f64x2.splat(minimum);
      j = 0;
      for (; j < cols4; j += 4) {
        const e = base + ((<usize>j) << 2);
        const t = v128.load(threshold + e);
        const lo = f64x2.max(f64x2.add(f64x2.promote_low_f32x4(t), vs), vm);
        const hi = f64x2.max(f64x2.add(promoteHigh(t), vs), vm);
        v128.store(threshold + e, demote4(lo, hi));
      }
      for (; j < cols; j++) {
        const e = base + ((<usize>j) << 2);
        store<f32>(threshold + e, <f32>max(<f64>load<f32>(threshold + e) + shift, minimum));
      }
    }
  }
}

/** Two float32 at `at` as float64 lanes. */
function load2(at: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(at));
}

/** Two float64 lanes rounded to float32 at `at`. */
function store2(at: usize, x: v128): void {
  v128.store64_lane(at, f32x4.demote_f64x2_zero(x), 0);
}

/** Adam, two elements at a time in f64x2: the scalar formulas below, lane by lane, so the same bits. */
export function adamStep(
  param: usize,
  grad: usize,
  m: usize,
  v: usize,
  count: i32,
  lr: f64,
  beta1: f64,
  beta2: f64,
  epsilon: f64,
  c1: f64,
  c2: f64,
  clip: f64,
): void {
  const b1 = f64x2.splat(beta1);
  const b2 = f64x2.splat(beta2);
  const d1 = f64x2.splat(1 - beta1);
  const d2 = f64x2.splat(1 - beta2);
  const vlr = f64x2.splat(lr);
  const vc1 = f64x2.splat(c1);
  const vc2 = f64x2.splat(c2);
  const eps = f64x2.splat(epsilon);
  const hi = f64x2.splat(clip);
  const lo = f64x2.splat(-clip);
  let k = 0;
  for (; k + 2 <= count; k += 2) {
    const e = (<usize>k) << 2;
    const g = load2(grad + e);
    const mk = f64x2.add(f64x2.mul(b1, load2(m + e)), f64x2.mul(d1, g));
    const vk = f64x2.add(f64x2.mul(b2, load2(v + e)), f64x2.mul(f64x2.mul(d2, g), g));
    store2(m + e, mk);
    store2(v + e, vk);
    const step = f64x2.div(f64x2.mul(f64x2.mul(vlr, mk), vc1), f64x2.add(f64x2.sqrt(f64x2.mul(vk, vc2)), eps));
    store2(param + e, f64x2.min(f64x2.max(f64x2.sub(load2(param + e), step), lo), hi));
  }
  for (; k < count; k++) {
    const e = (<usize>k) << 2;
    const g = <f64>load<f32>(grad + e);
    const mk = beta1 * <f64>load<f32>(m + e) + (1 - beta1) * g;
    const vk = beta2 * <f64>load<f32>(v + e) + (1 - beta2) * g * g;
    store<f32>(m + e, <f32>mk);
    store<f32>(v + e, <f32>vk);
    const p = <f64>load<f32>(param + e) - (lr * mk * c1) / (Math.sqrt(vk * c2) + epsilon);
    store<f32>(param + e, <f32>min(max(p, -clip), clip));
  }
}

/**
 * outerUpdate on a block of rows, in place at w (rows × cols, first row `row0` of the matrix):
 * w = alpha · w + Σ_t coef_t · u_t[row] v_t. Terms are 16-byte records at `terms`:
 * { coef: f64, u: u32 (f32 vector of all rows), v: u32 (f32 vector of cols) }. Two terms per pass,
 * so the seed's contrastive step is one pass over each row while it is in cache.
 *
 * Returns 1 when every entry of the block is finite afterwards, else 0. The check rides along in
 * the same pass: `y − y` is +0 for finite y and NaN for NaN or ±∞, so OR-ing its bits into a
 * register leaves it all-zero exactly when every y was finite (one subtract and one OR per four
 * entries, hidden behind the memory traffic). A non-finite entry stays non-finite through later
 * passes, so checking every pass is the same as checking the last.
 */
export function outerRows(w: usize, row0: i32, rows: i32, cols: i32, alpha: f32, terms: usize, count: i32): i32 {
  let bad = i32x4.splat(0);
  let tail: f32 = 0;
  for (let i = 0; i < rows; i++) {
    const r = w + ((<usize>(i * cols)) << 2);
    let a = alpha;
    let t = 0;
    do {
      let c1: f32 = 0;
      let c2: f32 = 0;
      let v1: usize = 0;
      let v2: usize = 0;
      if (t < count) {
        const rec = terms + ((<usize>t) << 4);
        v1 = <usize>load<u32>(rec, 8);
        c1 = <f32>(load<f64>(rec) * <f64>load<f32>(<usize>load<u32>(rec, 12) + ((<usize>(row0 + i)) << 2)));
      }
      if (t + 1 < count) {
        const rec = terms + ((<usize>(t + 1)) << 4);
        v2 = <usize>load<u32>(rec, 8);
        c2 = <f32>(load<f64>(rec) * <f64>load<f32>(<usize>load<u32>(rec, 12) + ((<usize>(row0 + i)) << 2)));
      }
      if (c1 === 0) {
        // Skip an inactive term (a silent post-synaptic neuron).
        c1 = c2;
        v1 = v2;
        c2 = 0;
      }
      const va = f32x4.splat(a);
      let j = 0;
      if (c2 !== 0) {
        const k1 = f32x4.splat(c1);
        const k2 = f32x4.splat(c2);
        for (; j + 4 <= cols; j += 4) {
          const o = (<usize>j) << 2;
          const x = f32x4.mul(v128.load(r + o), va);
          const y = f32x4.add(f32x4.add(x, f32x4.mul(v128.load(v1 + o), k1)), f32x4.mul(v128.load(v2 + o), k2));
          v128.store(r + o, y);
          bad = v128.or(bad, f32x4.sub(y, y));
        }
        for (; j < cols; j++) {
          const o = (<usize>j) << 2;
          const y = load<f32>(r + o) * a + c1 * load<f32>(v1 + o) + c2 * load<f32>(v2 + o);
          store<f32>(r + o, y);
          tail += y - y;
        }
      } else if (c1 !== 0) {
        const k1 = f32x4.splat(c1);
        for (; j + 4 <= cols; j += 4) {
          const o = (<usize>j) << 2;
          const y = f32x4.add(f32x4.mul(v128.load(r + o), va), f32x4.mul(v128.load(v1 + o), k1));
          v128.store(r + o, y);
          bad = v128.or(bad, f32x4.sub(y, y));
        }
        for (; j < cols; j++) {
          const o = (<usize>j) << 2;
          const y = load<f32>(r + o) * a + c1 * load<f32>(v1 + o);
          store<f32>(r + o, y);
          tail += y - y;
        }
      } else if (a !== 1) {
        for (; j + 4 <= cols; j += 4) {
          const o = (<usize>j) << 2;
          const y = f32x4.mul(v128.load(r + o), va);
          v128.store(r + o, y);
          bad = v128.or(bad, f32x4.sub(y, y));
        }
        for (; j < cols; j++) {
          const o = (<usize>j) << 2;
          const y = load<f32>(r + o) * a;
          store<f32>(r + o, y);
          tail += y - y;
        }
      } else {
        // The identity: nothing to write, only the check.
        for (; j + 4 <= cols; j += 4) {
          const y = v128.load(r + ((<usize>j) << 2));
          bad = v128.or(bad, f32x4.sub(y, y));
        }
        for (; j < cols; j++) {
          const y = load<f32>(r + ((<usize>j) << 2));
          tail += y - y;
        }
      }
      a = 1;
      t += 2;
    } while (t < count);
  }
  return !v128.any_true(bad) && tail === 0 ? 1 : 0;
}

/** Where the host may start laying out memory (past the static data). */
export function heapBase(): usize {
  return __heap_base;
}
