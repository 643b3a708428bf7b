"""fp32 brute-force top-k search with numpy on one thread: the reference point for answer-bench.

Same shapes and layouts as answer-bench (not the same random numbers: latency only)."""
import argparse, json, os, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--entries", type=int, default=100_000)
parser.add_argument("--dimensions", type=int, default=384)
parser.add_argument("--top-k", type=int, default=5)
parser.add_argument("--queries", type=int, default=300)
parser.add_argument("--layout", default="random")
args = parser.parse_args()
rng = np.random.default_rng(42)

def vectors(n):
    if args.layout == "clustered":
        centres = rng.uniform(-1, 1, (64, args.dimensions)).astype(np.float32)
        v = centres[rng.integers(0, 64, n)] + 0.6 * rng.uniform(-1, 1, (n, args.dimensions)).astype(np.float32)
    else:
        v = rng.uniform(-1, 1, (n, args.dimensions)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)

table = vectors(args.entries)
probes = vectors(args.queries)
times = []
for probe in probes:
    started = time.perf_counter()
    scores = table @ probe
    top = np.argpartition(-scores, args.top_k)[: args.top_k]
    top = top[np.argsort(-scores[top])]
    times.append((time.perf_counter() - started) * 1e3)
times.sort()
print(json.dumps({"engine": "numpy-fp32-brute-force", "layout": args.layout, "entries": args.entries,
                  "top_k": args.top_k, "p50_ms": times[len(times) // 2], "p99_ms": times[len(times) * 99 // 100]}))
