#!/usr/bin/env python3
"""What latency any single-queue server can reach under open-loop load when a batch of k
requests costs k times one request (no batching gain, as for the engine at length 32):
simulates Poisson (or constant) arrivals at a utilization, a FIFO queue, and batches of up
to --max-batch requests taken from the queue whenever the model is free. Prints p50/p99/p99.9
of the response time in units of one request's compute time.

    queueing_floor.py --utilization 0.5 0.8 --max-batch 1 4 64
"""
import argparse
import random


def simulate(utilization, max_batch, arrivals, count, seed):
    generator = random.Random(seed)
    times, now = [], 0.0
    for _ in range(count):
        now += generator.expovariate(utilization) if arrivals == "poisson" else 1 / utilization
        times.append(now)
    latencies, index, free = [], 0, 0.0
    while index < count:
        start = max(free, times[index])
        end_index = index + 1
        while end_index < count and times[end_index] <= start and end_index - index < max_batch:
            end_index += 1
        finish = start + (end_index - index)
        latencies += [finish - t for t in times[index:end_index]]
        free, index = finish, end_index
    latencies.sort()
    return [latencies[int(len(latencies) * q)] for q in (0.5, 0.99, 0.999)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--utilization", type=float, nargs="+", default=[0.5, 0.8])
    parser.add_argument("--max-batch", type=int, nargs="+", default=[1, 4, 64])
    parser.add_argument("--arrivals", choices=["poisson", "constant"], default="poisson")
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| utilization | max batch | p50 | p99 | p99.9 |  (x one request's compute time)")
    print("|---:|---:|---:|---:|---:|")
    for utilization in args.utilization:
        for max_batch in args.max_batch:
            p50, p99, p999 = simulate(utilization, max_batch, args.arrivals, args.count, args.seed)
            print(f"| {utilization:.0%} | {max_batch} | {p50:.2f} | {p99:.2f} | {p999:.2f} |")


if __name__ == "__main__":
    main()
