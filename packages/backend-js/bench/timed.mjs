// The per-kernel timer of the CSDP step benchmarks (backend-js's and backend-wasm's bench/csdp-step.mjs).

/** Wraps a backend, adding up the time spent in each kernel (gemm by shape and options). */
export function timed(backend) {
  const totals = new Map();
  const proxy = new Proxy(backend, {
    get(target, key) {
      const value = target[key];
      if (typeof value !== 'function') return value;
      return (...args) => {
        const started = performance.now();
        const result = value.apply(target, args);
        const o = key === 'gemm' ? (args[3] ?? {}) : undefined;
        const label = o
          ? `gemm ${args[0].rows}×${args[0].cols}${o.transA ? 'ᵀ' : ''} · ${args[1].rows}×${args[1].cols}${o.beta ? ' (+out)' : ''}`
          : String(key);
        totals.set(label, (totals.get(label) ?? 0) + performance.now() - started);
        return result;
      };
    },
  });
  return { proxy, totals };
}
