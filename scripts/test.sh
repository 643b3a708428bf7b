#!/usr/bin/env bash
# Runs QuantServe's whole test suite: installs what is missing, checks the generated
# protobuf-c code is in sync, prepares the default model, then runs every Swift test
# (which include the Python grpcio interop tests and the h2load run).
set -euo pipefail
cd "$(dirname "$0")/.."
# The compute modules (kernels, transformer) are optimized in this debug build: the suite runs real
# models (Package.swift adds -O/-O3 only with this set, so that other packages can depend on ours).
export QUANTSERVE_OPTIMIZE_DEBUG=1

scripts/bootstrap.sh
scripts/generate-protos.sh --check
swift build --product quantserve
scripts/fetch-default-model.sh .build/debug/quantserve
scripts/fetch-multilingual-model.sh .build/debug/quantserve  # Chinese intents, sentiment and Answer tests
# Serially: several tests measure time (deadlines, idle and keepalive timers, grace periods), and
# the model accuracy test runs minutes of numpy; in parallel on 2 cores they starve each other.
swift test --no-parallel "$@"
.venv/bin/python -m pytest -q Tests/Deploy  # Kubernetes and KServe manifests against their schemas
swift build --product quantbench
.venv/bin/python -m pytest -q Tests/Fleet  # 2 replicas behind nginx: rolling swap, SIGTERM drain, SIGKILL, ~1 min
.venv/bin/python -m pytest -q Tests/Attacks  # hostile clients against the real binary, ~2 min (Tests/Attacks/README.md)
deploy/build-release.sh  # the Containerfile's build steps, and its run stage's packages checked
scripts/fuzz.sh  # every libFuzzer target for 20 s, after replaying fuzz/regressions/
