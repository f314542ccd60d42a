"""The seed's formulas in numpy (float64, as the seed computes them), timed on the inputs the
contraspike benchmark generated. Benchmark-only; run by apps/bench (src/numpy.ts):

    python3 bench.py MANIFEST.json

The manifest names a binary file of little-endian float32 arrays and, per case, the op, shape,
parameters, the arrays' offsets, and where to write the result (float64, for the agreement
check). Prints one JSON line describing numpy and its BLAS, then one JSON line per case.
"""

import ctypes
import glob
import json
import math
import os
import sys
import time

import numpy as np


# --- the seed's code (sc_neurocore.contrastive.ssl), unchanged in substance -------------------

def infonce(view_a, view_b, temperature):
    """SpikeContrastiveLoss.compute."""
    batch = view_a.shape[0]
    if batch < 2:
        return 0.0
    a_norm = view_a / np.clip(np.linalg.norm(view_a, axis=1, keepdims=True), 1e-8, None)
    b_norm = view_b / np.clip(np.linalg.norm(view_b, axis=1, keepdims=True), 1e-8, None)
    sim = a_norm @ b_norm.T / temperature
    exp_sim = np.exp(sim - sim.max(axis=1, keepdims=True))
    log_prob = np.log(np.clip(np.diag(exp_sim) / exp_sim.sum(axis=1), 1e-10, None))
    return -float(log_prob.mean())


def positive_update(weights, pre_spikes, post_spikes, lr, decay):
    """CSDPRule.positive_update."""
    dW = lr * np.outer(post_spikes, pre_spikes) - decay * weights
    return weights + dW


def negative_update(weights, pre_spikes, post_spikes, lr):
    """CSDPRule.negative_update."""
    dW = -lr * np.outer(post_spikes, pre_spikes)
    return weights + dW


def contrastive_step(weights, pos_pre, pos_post, neg_pre, neg_post, lr, decay):
    """CSDPRule.contrastive_step: positive phase, then negative phase."""
    w = positive_update(weights, pos_pre, pos_post, lr, decay)
    return negative_update(w, neg_pre, neg_post, lr)


# --- harness ----------------------------------------------------------------------------------

def blas_info():
    """numpy's BLAS as built, and (OpenBLAS) the kernel and thread count it runs with."""
    info = {"numpy": np.__version__, "blas": "unknown"}
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{cfg.get('name', '?')} {cfg.get('version', '?')}"
    except Exception:  # noqa: BLE001 - informational only
        pass
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            for prefix, suffix in (("scipy_openblas_", "64_"), ("scipy_openblas_", ""), ("openblas_", "")):
                core = getattr(lib, f"{prefix}get_corename{suffix}", None)
                threads = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                if core is not None and threads is not None:
                    core.restype = ctypes.c_char_p
                    info["blasCore"] = core().decode()
                    info["blasThreads"] = int(threads())
                    return info
        except OSError:
            continue
    return info


def timed(fn, warmup, runs, budget_ms):
    first = 0.0
    for _ in range(max(1, warmup)):
        start = time.perf_counter()
        fn()
        first = (time.perf_counter() - start) * 1e3
    if runs is None:
        runs = max(5, min(15, math.ceil(budget_ms / max(first, 1e-3))))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    n = len(times)
    median = times[(n - 1) // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    rank = lambda q: times[min(n - 1, max(0, math.ceil(q * n) - 1))]  # noqa: E731 - nearest rank
    return {"ms": median, "runs": n, "p10": rank(0.1), "p90": rank(0.9)}


def main(argv):
    if len(argv) != 2:
        print("usage: bench.py MANIFEST.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    data = np.fromfile(manifest["data"], dtype="<f4")

    def array(spec):
        offset, shape = spec
        size = int(np.prod(shape))
        # float32 values widened to float64: exactly the numbers the other backends get.
        return data[offset:offset + size].reshape(shape).astype(np.float64)

    print(json.dumps({"info": blas_info()}), flush=True)
    plan = manifest["plan"]
    for case in manifest["cases"]:
        op, a = case["op"], {k: array(v) for k, v in case["arrays"].items()}
        if op == "infonce":
            fn = lambda: infonce(a["viewA"], a["viewB"], case["temperature"])  # noqa: E731
        elif op == "csdp_step":
            fn = lambda: contrastive_step(  # noqa: E731
                a["W"], a["posPre"], a["posPost"], a["negPre"], a["negPost"], case["lr"], case["decay"]
            )
        elif op == "copy":
            dst = np.empty_like(a["W"])
            fn = lambda: np.copyto(dst, a["W"]) or dst  # noqa: E731 - the plain copy, result in dst
        else:
            raise ValueError(f"unknown op {op}")
        result = np.asarray(fn(), dtype=np.float64)
        result.tofile(case["out"])
        row = {"op": op, "shape": case["shape"], "backend": "numpy"}
        row.update(timed(fn, plan["warmup"], plan["runs"], plan["budgetMs"]))
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
