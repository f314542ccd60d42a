/**
 * The gpu.js kernel functions, as source text: gpu.js compiles each one (to GLSL, WebAssembly or
 * plain JavaScript) from its text, and text is what survives the consumer's bundler and minifier
 * unchanged (a minified function body can use syntax gpu.js's kernel language does not accept).
 *
 * Matrices arrive as gpu.js `Input`s of size [cols, rows], read as `x[row][col]` (gpu.js then
 * computes the flat index in integers: a float32 index would be wrong past 2^24 elements), and
 * vectors as Float32Arrays. `this.thread.x` is the column, `this.thread.y` the row, and
 * `this.thread.z` (where used) selects one of several outputs of an element-wise step. Loop
 * bounds are `this.constants`, fixed per compiled kernel. Every sum runs in float32.
 */

export interface KernelSource {
  /** Names the kernel in cache keys and error messages. */
  readonly name: string;
  readonly source: string;
}

const gemms = new Map<string, KernelSource>();

/**
 * `out[i, j] = alpha · Σ_p op(a)[i, p] · op(b)[p, j] (+ beta · c[i, j] when useBeta = 1)`, with
 * `op(x)` = `x` or `xᵀ` (one source per combination). With useBeta = 0, `c` is never read (it may
 * hold NaN).
 */
export function gemm(transA: boolean, transB: boolean): KernelSource {
  const name = `gemm${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
  let kernel = gemms.get(name);
  if (!kernel) {
    kernel = {
      name,
      source: `function ${name}(a, b, c, alpha, beta) {
  const i = this.thread.y;
  const j = this.thread.x;
  let sum = 0.0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a${transA ? '[p][i]' : '[i][p]'} * b${transB ? '[j][p]' : '[p][j]'};
  }
  let value = alpha * sum;
  if (this.constants.useBeta > 0) {
    value += beta * c[i][j];
  }
  return value;
}`,
    };
    gemms.set(name, kernel);
  }
  return kernel;
}

/** `out[i] = Σ_j x[i, j] · y[i, j]` (row sums of squares when `y` is `x`). */
export const rowDot: KernelSource = {
  name: 'rowDot',
  source: `function rowDot(x, y) {
  const i = this.thread.x;
  let sum = 0.0;
  for (let j = 0; j < this.constants.cols; j++) {
    sum += x[i][j] * y[i][j];
  }
  return sum;
}`,
};

/**
 * Stable row log-sum-exp minus `pick` times one chosen logit:
 * `out[i] = (max_i − pick · x[i, targets[i]]) + log Σ_j exp(x[i, j] − max_i)`.
 * `pick = 1`: softmax cross-entropy against `targets`; `pick = 0`: log-sum-exp.
 */
export const rowLogSumExp: KernelSource = {
  name: 'rowLogSumExp',
  source: `function rowLogSumExp(x, targets, pick) {
  const i = this.thread.x;
  let max = x[i][0];
  for (let j = 1; j < this.constants.cols; j++) {
    max = Math.max(max, x[i][j]);
  }
  let sum = 0.0;
  for (let j = 0; j < this.constants.cols; j++) {
    sum += Math.exp(x[i][j] - max);
  }
  return max - pick * x[i][targets[i]] + Math.log(sum);
}`,
};

/** `out[i, j] = exp(x[i, j] − logSumExp[i])`. */
export const softmax: KernelSource = {
  name: 'softmax',
  source: `function softmax(x, logSumExp) {
  return Math.exp(x[this.thread.y][this.thread.x] - logSumExp[this.thread.y]);
}`,
};

/** `out[i, j] = x[i, j] · scales[i]`. */
export const scaleRows: KernelSource = {
  name: 'scaleRows',
  source: `function scaleRows(x, scales) {
  return x[this.thread.y][this.thread.x] * scales[this.thread.y];
}`,
};

/** `out[i, j] = scales[i] · (grad[i, j] − dots[i] · xHat[i, j])`, where `dots[i] = x̂_i · grad_i`. */
export const normalizeBackward: KernelSource = {
  name: 'normalizeBackward',
  source: `function normalizeBackward(xHat, grad, scales, dots) {
  const i = this.thread.y;
  const j = this.thread.x;
  return scales[i] * (grad[i][j] - dots[i] * xHat[i][j]);
}`,
};

/** `out[i, j] = alpha · w[i, j] + Σ_t (coefs[t] · u[t][i]) · v[t][j]`, the terms' vectors packed as rows. */
export const outerUpdate: KernelSource = {
  name: 'outerUpdate',
  source: `function outerUpdate(w, alpha, coefs, u, v) {
  const i = this.thread.y;
  const j = this.thread.x;
  let value = alpha * w[i][j];
  for (let t = 0; t < this.constants.terms; t++) {
    value += coefs[t] * u[t][i] * v[t][j];
  }
  return value;
}`,
};

/**
 * One LIF step; `this.thread.z` picks the output: 0 the new potential, 1 the spike, 2 the new
 * trace, 3 the new count. The potential is rounded to float32 after each operation, in the
 * documented order, so `v > θ` is decided on the same float32 value in every mode.
 */
export const lifStep: KernelSource = {
  name: 'lifStep',
  source: `function lifStep(current, v, threshold, trace, counts, leak, traceDecay) {
  const i = this.thread.y;
  const j = this.thread.x;
  const v0 = v[i][j];
  const vNew = Math.fround(v0 + Math.fround(Math.fround(leak) * Math.fround(current[i][j] - v0)));
  let s = 0.0;
  if (vNew > threshold[i][j]) {
    s = 1.0;
  }
  if (this.thread.z == 0) {
    return vNew * (1.0 - s);
  }
  if (this.thread.z == 1) {
    return s;
  }
  if (this.thread.z == 2) {
    return Math.fround(Math.fround(trace[i][j] * Math.fround(traceDecay)) * (1.0 - s)) + s;
  }
  return counts[i][j] + s;
}`,
};

/** Homeostatic thresholds: `θ[b, j] ← max(θ[b, j] + rate · (fired[b] − 1), minimum)`. */
export const adaptThreshold: KernelSource = {
  name: 'adaptThreshold',
  source: `function adaptThreshold(threshold, fired, rate, minimum) {
  return Math.max(threshold[this.thread.y][this.thread.x] + rate * (fired[this.thread.y] - 1.0), minimum);
}`,
};

/**
 * One Adam step; `this.thread.z` picks the output: 0 the new parameter, 1 the new first moment,
 * 2 the new second moment. `hyper = [lr, β1, 1 − β1, β2, 1 − β2, ε, 1 − β1^t, 1 − β2^t, clip]`
 * comes from the host; parameters are clipped when `useClip = 1`.
 */
export const adamStep: KernelSource = {
  name: 'adamStep',
  source: `function adamStep(param, grad, m, v, hyper) {
  const i = this.thread.y;
  const j = this.thread.x;
  const g = grad[i][j];
  const mNew = hyper[1] * m[i][j] + hyper[2] * g;
  if (this.thread.z == 1) {
    return mNew;
  }
  const vNew = hyper[3] * v[i][j] + hyper[4] * g * g;
  if (this.thread.z == 2) {
    return vNew;
  }
  let p = param[i][j] - (hyper[0] * (mNew / hyper[6])) / (Math.sqrt(vNew / hyper[7]) + hyper[5]);
  if (this.constants.useClip > 0) {
    p = Math.min(Math.max(p, -hyper[8]), hyper[8]);
  }
  return p;
}`,
};
