#!/usr/bin/env python3
"""Where one caller's Embed time goes: sends --calls Embed requests one after another (one text
each, from --corpus) and prints one JSON line with the p50 of the server's own timing headers
(x-tokenize-time-us, x-queue-time-us, x-compute-time-us: the engine's batch time) and of the
round trip grpcio measures, and of each call's round trip minus its compute time. With one
caller every batch holds one text, so the compute p50 is the engine's batch-1 latency inside the
server, and the round trip minus compute is what the server, the transport and this Python
client add (per call, so that a neighbour slowing the engine down does not blur it).

    server_timings.py 127.0.0.1:50461 --corpus benchmarks/results/serving-corpus-32.jsonl --calls 500
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import grpc

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Python"))
from interop_stubs import generate_stubs  # noqa: E402

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

HEADERS = {"tokenize": "x-tokenize-time-us", "queue": "x-queue-time-us", "compute": "x-compute-time-us"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address")
    parser.add_argument("--corpus", required=True, help="one JSON string per line")
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()
    texts = [json.loads(line) for line in Path(args.corpus).read_text().splitlines() if line.strip()]
    samples = {name: [] for name in [*HEADERS, "round_trip", "round_trip_minus_compute"]}
    with grpc.insecure_channel(args.address) as channel:
        embed = rpc.InferenceStub(channel).Embed
        for index in range(args.warmup + args.calls):
            start = time.perf_counter()
            _, call = embed.with_call(pb.EmbedRequest(texts=[texts[index % len(texts)]], truncate=True), timeout=10)
            elapsed = time.perf_counter() - start
            if index < args.warmup:
                continue
            headers = dict(call.initial_metadata())
            for name, header in HEADERS.items():
                samples[name].append(int(headers[header]))
            samples["round_trip"].append(elapsed * 1e6)
            samples["round_trip_minus_compute"].append(elapsed * 1e6 - samples["compute"][-1])
    print(json.dumps({f"{name}_p50_us": round(statistics.median(values), 1) for name, values in samples.items()}
                     | {"calls": args.calls}))


if __name__ == "__main__":
    main()
