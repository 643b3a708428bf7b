#!/usr/bin/env python3
"""Turns the JSON lines of benchmarks/serving/run.sh into the README's three markdown tables,
with the targets: server/engine >= 0.8; p99 at 50% load < 3x the unloaded p50; QuantServe
>= 3x the Python ONNX Runtime server's throughput at an equal or lower p99."""
import json
import statistics
import sys


def ms(microseconds):
    return f"{microseconds / 1e3:.1f}"


def verdict(met):
    return "**met**" if met else "**not met**"


def main(path):
    records = [json.loads(line) for line in open(path)]
    setup = next(r for r in records if r["kind"] == "setup")
    length, rounds = setup["length"], setup["rounds"]
    concurrency = setup["concurrency"]

    # 1. Server vs engine, per round, then the median of the rounds' ratios.
    print(f"### 1. Server vs engine (length {length} tokens, one text per request, {concurrency} callers, closed loop)")
    print()
    print("| round | engine best sentences/s (threads, batch) | QuantServe Embed req/s | p50 ms | p99 ms | failed | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for round_ in range(1, rounds + 1):
        engine = [r for r in records if r["kind"] == "engine" and r["round"] == round_]
        served = [r for r in records if r["kind"] == "closed" and r["round"] == round_ and r["server"] == "quantserve"]
        if not engine or not served:
            continue
        best = max(engine, key=lambda r: r["sentences_per_second"])
        report = served[0]["report"]
        ratio = report["throughput_per_second"] / best["sentences_per_second"]
        ratios.append(ratio)
        latency = report["latency_microseconds"]
        print(f"| {round_} | {best['sentences_per_second']:.1f} ({best['threads']}, {best['batch']}) "
              f"| {report['throughput_per_second']:.1f} | {ms(latency['p50'])} | {ms(latency['p99'])} "
              f"| {report['failed']} | {ratio:.2f} |")
    if ratios:
        ratio = statistics.median(ratios)
        print(f"\nServer / engine: {ratio:.2f} (median of {len(ratios)} rounds; target >= 0.8: {verdict(ratio >= 0.8)})")
    engine_all = [r for r in records if r["kind"] == "engine"]
    if engine_all:
        cells = {}
        for r in engine_all:
            cells.setdefault((r["threads"], r["batch"]), []).append(r["sentences_per_second"])
        print("\nEngine sentences/s at this length (median over rounds): " + ", ".join(
            f"{threads} thr batch {batch}: {statistics.median(values):.1f}" for (threads, batch), values in sorted(cells.items())))

    # 2. Latency under load.
    latency_runs = [r for r in records if r["kind"] == "latency"]
    if latency_runs:
        print()
        print(f"### 2. QuantServe latency under load (length {length}, one text per request)")
        print()
        print("| load | offered req/s | achieved req/s | p50 ms | p99 ms | p99.9 ms | max ms | failed |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        unloaded = maximum = None
        p99_at_half = {}
        for r in latency_runs:
            report = r["report"]
            latency = report["latency_microseconds"]
            if r["mode"] == "max":
                maximum = report
                label, offered = f"maximum (closed loop, {concurrency} callers)", "-"
            elif r["mode"] == "unloaded":
                unloaded = report
                label, offered = "unloaded (closed loop, 1 caller)", "-"
            else:
                label, offered = f"{r['percent']}% of maximum (open loop, {r['arrivals']} arrivals)", f"{r['rate']:.1f}"
                if r["percent"] == 50:
                    p99_at_half[r["arrivals"]] = latency["p99"]
            print(f"| {label} | {offered} | {report['throughput_per_second']:.1f} | {ms(latency['p50'])} "
                  f"| {ms(latency['p99'])} | {ms(latency['p999'])} | {ms(latency['max'])} | {report['failed']} |")
        if unloaded:
            print()
            for arrivals, p99 in p99_at_half.items():
                factor = p99 / unloaded["latency_microseconds"]["p50"]
                print(f"- {arrivals} arrivals: p99 at 50% load / unloaded p50 = {factor:.2f}x (target < 3x: {verdict(factor < 3)})")

    # 3. Against the Python grpcio + ONNX Runtime server.
    ours = [r["report"] for r in records if r["kind"] == "closed" and r["server"] == "quantserve"]
    theirs = {}
    for r in records:
        if r["kind"] == "closed" and r["server"] == "ort":
            theirs.setdefault(r["config"], []).append(r["report"])
    if ours and theirs:
        def medians(reports):
            return (statistics.median(x["throughput_per_second"] for x in reports),
                    statistics.median(x["latency_microseconds"]["p50"] for x in reports),
                    statistics.median(x["latency_microseconds"]["p99"] for x in reports),
                    sum(x["failed"] for x in reports))
        print()
        print(f"### 3. QuantServe vs Python grpcio + ONNX Runtime int8 (length {length}, {concurrency} callers, "
              f"closed loop, medians of {rounds} rounds)")
        print()
        print("| server | req/s | p50 ms | p99 ms | failed |")
        print("|---|---:|---:|---:|---:|")
        q = medians(ours)
        print(f"| QuantServe | {q[0]:.1f} | {ms(q[1])} | {ms(q[2])} | {q[3]} |")
        best_config, best = None, None
        for config in sorted(theirs, key=lambda c: tuple(int(x) for x in c.split("x"))):
            m = medians(theirs[config])
            workers, intra = config.split("x")
            print(f"| ORT server, {workers} workers, intra-op {intra} | {m[0]:.1f} | {ms(m[1])} | {ms(m[2])} | {m[3]} |")
            if best is None or m[0] > best[0]:
                best_config, best = config, m
        # The target compares runs of the same round (minutes apart on a shared machine).
        per_round = []
        for round_ in range(1, rounds + 1):
            q_round = [r["report"] for r in records if r["kind"] == "closed" and r["server"] == "quantserve" and r["round"] == round_]
            o_round = [r["report"] for r in records if r["kind"] == "closed" and r["server"] == "ort" and r["round"] == round_]
            if q_round and o_round:
                o_best = max(o_round, key=lambda x: x["throughput_per_second"])
                per_round.append((q_round[0]["throughput_per_second"] / o_best["throughput_per_second"],
                                  q_round[0]["latency_microseconds"]["p99"] / o_best["latency_microseconds"]["p99"]))
        print(f"\nBest ORT configuration (median req/s): {best_config.replace('x', ' workers x intra-op ')}.")
        print("QuantServe / the round's best ORT server, per round: " + ", ".join(
            f"{t:.2f}x req/s at {p:.2f}x p99" for t, p in per_round))
        ratio = statistics.median(t for t, _ in per_round)
        p99_ratio = statistics.median(p for _, p in per_round)
        met = ratio >= 3 and p99_ratio <= 1
        print(f"Median: {ratio:.2f}x the throughput at {p99_ratio:.2f}x the p99 "
              f"(target >= 3x at equal or lower p99: {verdict(met)})")

    check = next((r for r in records if r["kind"] == "embedding_check"), None)
    if check:
        print(f"\nEmbedding check over {check['texts']} texts: ORT server vs QuantServe cosine min "
              f"{check['min_cosine']:.4f}, mean {check['mean_cosine']:.4f}; to the fp32 reference: QuantServe min "
              f"{check['reference_min_cosine_to_fp32']:.4f}, ORT server min {check['candidate_min_cosine_to_fp32']:.4f} "
              f"mean {check['candidate_mean_cosine_to_fp32']:.4f}; token counts equal: {check['token_counts_equal']}")


if __name__ == "__main__":
    main(sys.argv[1])
