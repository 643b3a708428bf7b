#!/usr/bin/env python3
"""Turns the JSON lines of engine-bench and ort_bench.py into the README's markdown table."""
import json
import sys


def main(path):
    rows, latency, notes = {}, {}, []
    for line in open(path):
        record = json.loads(line)
        if "note" in record:
            if record not in notes:
                notes.append(record)
        elif "latency" in record:
            # Several alternating rounds: each engine's best p50.
            best = latency.get(record["engine"])
            if best is None or record["p50_ms"] < best["p50_ms"]:
                latency[record["engine"]] = record
        else:
            # Several rounds: each engine's fastest line, and how many samples it had in all.
            engines = rows.setdefault((record["threads"], record["batch"], record["length"]), {})
            samples = len(record.get("all", [0]))
            best = engines.get(record["engine"])
            if best is None or record["sentences_per_second"] > best["sentences_per_second"]:
                engines[record["engine"]] = dict(record, samples=samples + (best["samples"] if best else 0))
            else:
                best["samples"] += samples
    print("| threads | batch | length | QuantServe sentences/s | ONNX Runtime int8 sentences/s (best variant) | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for key in sorted(rows):
        engines = rows[key]
        ours = engines.get("quantserve", {}).get("sentences_per_second")
        theirs = engines.get("onnxruntime", {}).get("sentences_per_second")
        variant = engines.get("onnxruntime", {}).get("variant", "")
        ratio = f"{ours / theirs:.2f}x" if ours and theirs else "n/a"
        print(f"| {key[0]} | {key[1]} | {key[2]} | {ours or 0:.1f} | {theirs or 0:.1f} ({variant}) | {ratio} |")
    ours_samples = {e["quantserve"]["samples"] for e in rows.values() if "quantserve" in e}
    theirs_samples = {e["onnxruntime"]["samples"] for e in rows.values() if "onnxruntime" in e}
    if ours_samples or theirs_samples:
        print(f"\nSamples per configuration, each engine's fastest kept: QuantServe {sorted(ours_samples)}, "
              f"ONNX Runtime {sorted(theirs_samples)} (its variants, over the rounds).")
    if latency:
        ours = latency.get("quantserve", {}).get("p50_ms")
        theirs = latency.get("onnxruntime", {}).get("p50_ms")
        ratio = f"{theirs / ours:.2f}x" if ours and theirs else "n/a"
        print()
        print("| batch-1 length-16 latency, 1 thread | QuantServe p50 | ONNX Runtime p50 | ORT / QuantServe |")
        print("|---|---:|---:|---:|")
        print(f"| | {ours or 0:.3f} ms | {theirs or 0:.3f} ms ({latency.get('onnxruntime', {}).get('variant', '')}) | {ratio} |")
    target = rows.get((2, 32, 64), {})
    if "quantserve" in target and "onnxruntime" in target:
        ratio = target["quantserve"]["sentences_per_second"] / target["onnxruntime"]["sentences_per_second"]
        print(f"\nTarget batch 32, length 64, 2 threads: {ratio:.2f}x ONNX Runtime (goal >= 1.5x)")
    for note in notes:
        print(f"\n- {json.dumps(note)}")


if __name__ == "__main__":
    main(sys.argv[1])
