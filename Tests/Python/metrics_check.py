"""Scrapes a QuantServe /metrics endpoint, parses it with prometheus_client's own parser and
checks it against what the calling test did (MetricsTests.swift).

Usage: metrics_check.py --url http://127.0.0.1:PORT/metrics --expect JSON

JSON holds what the test knows:
  requests:   [{"method": PATH, "code": "OK", "count": N}, ...]  exact quantserve_requests_total
  durations:  {PATH: N}                 quantserve_request_duration_seconds_count per method
  versions:   [{"model": M, "version": "1", "state": "serving", "computed": N, "sequences": T}, ...]
              each version's state gauges (1 for its state, 0 for the others), the count of its
              queue/tokenize/compute histograms (requests computed) and its texts computed
  failed_versions: [{"model": M, "version": "3", "state": "failed"}]   state gauges only
  absent_versions: [{"model": M, "version": "1"}]   versions that must have no series
  hot_swaps:  {M: N}                    quantserve_hot_swaps_total
  failed_loads: {M: N}                  quantserve_failed_loads_total
With --refusals, bad requests (another path, POST, garbage, a huge header) must get 4xx first.
Besides, every histogram must be well formed (cumulative buckets, +Inf equal to _count), the
batch histograms must agree with each other, and the byte, connection and process series must
hold values a live server has. Prints one "ok"/"FAIL" line per check and
"metrics: N passed, M failed"; exits 1 on any failure.
"""

import argparse
import json
import math
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

STATES = ["loading", "ready", "serving", "failed", "unloading"]
VERSION_HISTOGRAMS = ["quantserve_queue_duration_seconds", "quantserve_tokenize_duration_seconds",
                      "quantserve_compute_duration_seconds"]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, condition, what):
        if condition:
            self.passed += 1
            print(f"ok {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}")


def scrape(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("content-type", ""), response.read().decode("utf-8")


def status_of(url, method="GET", data=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method, data=data), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def raw_status(url, request):
    """The status line the endpoint answers `request` (raw bytes) with."""
    address = urllib.parse.urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request)
        return connection.recv(64).split(b"\r\n")[0].decode()


def check_refusals(checks, url):
    """What a scraper should never send gets a clear HTTP status, and the endpoint keeps serving."""
    base = url.rsplit("/", 1)[0]
    checks.expect(status_of(base + "/other") == 404, "another path gets 404")
    checks.expect(status_of(url, method="POST", data=b"x" * 100_000) == 405, "POST with a body gets 405")
    checks.expect(raw_status(url, b"NOT HTTP AT ALL\r\n\r\n").endswith("400 Bad Request"), "garbage gets 400")
    huge = b"GET /metrics HTTP/1.1\r\nx-big: " + b"a" * 200_000 + b"\r\n\r\n"
    checks.expect(raw_status(url, huge).split(" ")[1] in ("400", "431"), "a 200 KB header is refused")


def samples_of(text):
    """Every sample as (name, labels, value), and each family's type by name."""
    samples, types = [], {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for sample in family.samples:
            samples.append((sample.name, dict(sample.labels), sample.value))
    return samples, types


def matching(samples, name, **labels):
    return [value for sample_name, sample_labels, value in samples
            if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items())]


def one(samples, name, **labels):
    found = matching(samples, name, **labels)
    return found[0] if len(found) == 1 else None


def check_histograms(checks, samples, types):
    for family, kind in sorted(types.items()):
        if kind != "histogram":
            continue
        series = {}
        for name, labels, value in samples:
            if name == family + "_bucket":
                key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
                series.setdefault(key, []).append((float(labels["le"]), value))
        for key, buckets in series.items():
            buckets.sort()
            counts = [count for _, count in buckets]
            total = one(samples, family + "_count", **dict(key))
            well_formed = (all(a <= b for a, b in zip(counts, counts[1:])) and math.isinf(buckets[-1][0])
                           and total is not None and counts[-1] == total)
            checks.expect(well_formed, f"{family}{dict(key)} has cumulative buckets ending at +Inf == _count ({total})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--expect", required=True)
    parser.add_argument("--refusals", action="store_true", help="also check that bad requests are refused")
    arguments = parser.parse_args()
    expected = json.loads(arguments.expect)
    checks = Checks()
    if arguments.refusals:
        check_refusals(checks, arguments.url)

    status, content_type, text = scrape(arguments.url)
    checks.expect(status == 200, f"GET /metrics answers 200 ({status})")
    checks.expect(content_type.startswith("text/plain") and "version=0.0.4" in content_type,
                  f"content type is the text exposition format ({content_type!r})")
    samples, types = samples_of(text)
    checks.expect(types.get("quantserve_requests") == "counter", "quantserve_requests_total is a counter")

    for request in expected.get("requests", []):
        value = one(samples, "quantserve_requests_total", method=request["method"], code=request["code"])
        checks.expect(value == request["count"],
                      f"requests_total{{method={request['method']}, code={request['code']}}} == {request['count']} ({value})")
    for method, count in expected.get("durations", {}).items():
        value = one(samples, "quantserve_request_duration_seconds_count", method=method)
        checks.expect(value == count, f"request_duration_seconds_count{{method={method}}} == {count} ({value})")
        by_code = sum(matching(samples, "quantserve_requests_total", method=method))
        checks.expect(by_code == count, f"requests_total of {method} over every code == {count} ({by_code})")

    for version in expected.get("versions", []) + expected.get("failed_versions", []):
        labels = {"model": version["model"], "version": version["version"]}
        states = {state: one(samples, "quantserve_model_version_state", state=state, **labels) for state in STATES}
        want = {state: (1.0 if state == version["state"] else 0.0) for state in STATES}
        checks.expect(states == want, f"{labels} state gauges say {version['state']} ({states})")
    for version in expected.get("versions", []):
        labels = {"model": version["model"], "version": version["version"]}
        resident = one(samples, "quantserve_model_version_resident_bytes", **labels)
        checks.expect(resident is not None and resident > 0, f"{labels} resident bytes > 0 ({resident})")
        for name in ["quantserve_queue_depth", "quantserve_queued_tokens", "quantserve_inflight_requests"]:
            value = one(samples, name, **labels)
            checks.expect(value == 0, f"{labels} {name} == 0 when idle ({value})")
        for histogram in VERSION_HISTOGRAMS:
            value = one(samples, histogram + "_count", **labels)
            checks.expect(value == version["computed"], f"{labels} {histogram}_count == {version['computed']} ({value})")
        batches = one(samples, "quantserve_batch_size_count", **labels)
        tokens = one(samples, "quantserve_batch_tokens_count", **labels)
        sequences = one(samples, "quantserve_batch_size_sum", **labels)
        computed = version["computed"]
        checks.expect(batches is not None and batches == tokens and batches <= computed and (batches > 0) == (computed > 0),
                      f"{labels} batch_size_count == batch_tokens_count, between 1 and one per request ({batches}, {tokens})")
        checks.expect(sequences == version["sequences"], f"{labels} batch_size_sum == {version['sequences']} texts computed ({sequences})")
    for version in expected.get("absent_versions", []):
        present = [name for name, labels, _ in samples
                   if labels.get("model") == version["model"] and labels.get("version") == version["version"]]
        checks.expect(not present, f"{version} has no series ({present[:3]})")

    for model, count in expected.get("hot_swaps", {}).items():
        value = one(samples, "quantserve_hot_swaps_total", model=model)
        checks.expect(value == count, f"hot_swaps_total{{model={model}}} == {count} ({value})")
    for model, count in expected.get("failed_loads", {}).items():
        value = one(samples, "quantserve_failed_loads_total", model=model)
        checks.expect(value == count, f"failed_loads_total{{model={model}}} == {count} ({value})")

    check_histograms(checks, samples, types)
    for name in ["quantserve_received_bytes_total", "quantserve_sent_bytes_total",
                 "quantserve_process_resident_memory_bytes", "quantserve_process_cpu_seconds_total"]:
        value = one(samples, name)
        checks.expect(value is not None and value > 0, f"{name} > 0 ({value})")
    connections = one(samples, "quantserve_open_connections")
    checks.expect(connections is not None and connections >= 1, f"open_connections >= 1 with the test's client open ({connections})")
    refused = one(samples, "quantserve_refused_connections_total")
    checks.expect(refused == 0, f"refused_connections_total == 0 ({refused})")

    print(f"metrics: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
