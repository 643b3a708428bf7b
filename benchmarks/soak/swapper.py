#!/usr/bin/env python3
"""Hot-swaps a model between two versions at a fixed interval and checks every swap.

Every --interval seconds (the first one --interval seconds after start) it makes the other
version serve with `quantserve models serve NAME VERSION` (the admin RPC ServeVersion), then
checks the swap three ways:

- the command's exit status is 0;
- `quantserve models list NAME` (ListModels) shows that version as the serving one;
- an Embed call sent afterwards, naming no version, is answered by that version (the
  response's model.version) with that version's embedding of a fixed text, which must
  differ from the other version's (the weights changed, not only the label).

One CSV line per swap goes to --csv (seconds since start, version asked, command exit
status, serving version listed, version that answered Embed, whether the embedding matched
the version's, duration of the swap command, ok) and one line per failed check to standard
error. Runs for --duration seconds or until SIGTERM; exits 0 when every swap passed.

    swapper.py --quantserve .build/release/quantserve --server 127.0.0.1:PORT --admin-token T \
        --versions 1 2 --interval 30 --duration 600 --csv swaps.csv
"""
import argparse
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Python"))
from interop_stubs import generate_stubs  # noqa: E402

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

PROBE_TEXT = "I was charged twice for the same order and nobody answers my emails."


def serving_version(listing, name):
    """The version `models list` shows as serving for `name`, or None."""
    for line in listing.splitlines():
        columns = line.split("\t")
        if len(columns) >= 3 and columns[0].split(" ")[0] == name and columns[2] == "serving":
            return int(columns[1])
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quantserve", required=True, help="the quantserve binary")
    parser.add_argument("--server", required=True, help="host:port")
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--versions", type=int, nargs=2, required=True, help="the two versions; the second serves at start")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between swaps")
    parser.add_argument("--duration", type=float, required=True, help="seconds to keep swapping")
    parser.add_argument("--csv", type=Path, required=True)
    args = parser.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    admin = ["--server", args.server, "--admin-token", args.admin_token]
    channel = grpc.insecure_channel(args.server)
    inference = rpc.InferenceStub(channel)

    def probe():
        response = inference.Embed(pb.EmbedRequest(model=pb.ModelRef(name=args.model), texts=[PROBE_TEXT], truncate=True), timeout=60)
        return response.model.version, np.array(response.embeddings[0].values, dtype=np.float64)

    # The embedding each version gives the probe text, learned from its first answer.
    fingerprints = {}
    start = time.monotonic()
    started_version, fingerprints_start = probe()
    if started_version != args.versions[1]:
        sys.exit(f"swapper: version {started_version} serves at start, expected {args.versions[1]}")
    fingerprints[started_version] = fingerprints_start

    failures = 0
    swaps = 0
    with args.csv.open("w") as out:
        out.write("second,version,exit_status,listed_serving,answered_by,embedding_matches,command_seconds,ok\n")
        while (swaps + 1) * args.interval < args.duration:
            if stop.wait(max(0.0, start + (swaps + 1) * args.interval - time.monotonic())):
                break
            target = args.versions[swaps % 2]
            other = args.versions[(swaps + 1) % 2]
            swaps += 1
            at = time.monotonic() - start
            problems = []
            begun = time.monotonic()
            command = subprocess.run([args.quantserve, "models", "serve", args.model, str(target)] + admin,
                                     capture_output=True, text=True)
            command_seconds = time.monotonic() - begun
            if command.returncode != 0:
                problems.append(f"`models serve {args.model} {target}` exited {command.returncode}: {command.stderr.strip()}")
            listing = subprocess.run([args.quantserve, "models", "list", args.model] + admin, capture_output=True, text=True)
            listed = serving_version(listing.stdout, args.model)
            if listing.returncode != 0 or listed != target:
                problems.append(f"ListModels shows {listed} serving (exit {listing.returncode}): {listing.stdout.strip()} {listing.stderr.strip()}")
            answered_by, matches = None, False
            try:
                answered_by, embedding = probe()
                known = fingerprints.setdefault(answered_by, embedding)
                matches = bool(np.allclose(known, embedding, atol=1e-6))
                if other in fingerprints and np.allclose(fingerprints[other], embedding, atol=1e-6):
                    problems.append(f"Embed after the swap gives version {other}'s embedding")
                if answered_by != target:
                    problems.append(f"Embed after the swap answered by version {answered_by}")
                if not matches:
                    problems.append(f"version {answered_by}'s embedding of the probe text changed")
            except grpc.RpcError as error:
                problems.append(f"Embed after the swap failed: {error.code().name}: {error.details()}")
            ok = not problems
            failures += not ok
            out.write(f"{at:.1f},{target},{command.returncode},{listed},{answered_by},{int(matches)},{command_seconds:.3f},{int(ok)}\n")
            out.flush()
            for problem in problems:
                print(f"swapper: swap {swaps} at {at:.1f} s to version {target}: {problem}", file=sys.stderr)

    if len(fingerprints) == 2:
        first, second = (fingerprints[v] for v in args.versions)
        print(f"swapper: probe embeddings of versions {args.versions[0]} and {args.versions[1]}: "
              f"cosine {float(first @ second):.6f}, max |difference| {float(np.max(np.abs(first - second))):.6f}", file=sys.stderr)
    channel.close()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
