"""Prints the issue-12 speed table from one run of benchmarks/generate/run.sh (its JSON lines:
llama_cpp_peer.py's records and generate-bench's `targets` lines), each ratio against its target."""
import json
import sys


def main(path):
    records = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    peer = {}
    for r in records:
        if r.get("tool") == "llama-bench":
            peer[(r["measurement"], r["threads"])] = r["tokens_per_second"]
        elif r.get("tool") == "llama-batched-bench":
            peer[("batched", r["sequences"])] = r["decode_tokens_per_second"]
    ours = {r["threads"]: r for r in records if r.get("test") == "targets"}
    rows = []
    for threads in (1, 2):
        if threads not in ours:
            continue
        rows.append((f"prefill 512 tokens, {threads} thread(s)", ours[threads]["prefill_tokens_per_second"],
                     peer.get(("llama-bench prefill", threads)), 3.0))
        rows.append((f"decode, 1 stream, {threads} thread(s)", ours[threads]["decode_1_streams_tokens_per_second"],
                     peer.get(("llama-bench decode", threads)), 1.5))
    if 2 in ours:
        rows.append(("decode, 16 streams (prompt 128, generate 128), 2 threads",
                     ours[2]["decode_16_streams_tokens_per_second"], peer.get(("batched", 16)), 3.0))
    print("| measurement | QuantServe tokens/s | llama.cpp tokens/s | ratio | target |")
    print("|---|---:|---:|---:|---:|")
    for name, mine, theirs, target in rows:
        ratio = f"{mine / theirs:.2f}x" if theirs else "n/a"
        met = "met" if theirs and mine / theirs >= target else "not met"
        print(f"| {name} | {mine:.1f} | {theirs if theirs else 'n/a'} | {ratio} | >= {target}x ({met}) |")


if __name__ == "__main__":
    main(sys.argv[1])
