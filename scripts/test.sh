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
swift format lint --strict --recursive Sources Tests  # the style of .swift-format (swift format format -i -r Sources Tests fixes most)
swift build --product quantserve
scripts/fetch-default-model.sh .build/debug/quantserve
scripts/fetch-multilingual-model.sh .build/debug/quantserve  # Chinese intents, sentiment and Answer tests
# In parallel (Swift Testing's default): every test binds port 0, works in a folder of its own and
# waits for events, not for time. First the unit targets (in-process, seconds), then the loopback
# and subprocess ones; last, one at a time, the suites that measure wall-clock latency (quantbench's
# loads) or load every core for minutes (the real models against their references),
# which a 2-core machine cannot run beside anything else without starving them. CI=true turns a
# missing tool or model from a skipped test into a failed one (Tests/QuantServeTestSupport).
unit_targets='^(QuantServeGRPCTests|QuantServeAPITests|QuantServeKernelsTests|QuantServeTransformerTests)\.'
whole_machine='^(QuantServeModelAccuracyTests\.|QuantServeTests\.(DefaultModelTests|MultilingualModelTests)/|QuantBenchTests\.(OpenLoopTests|SweepTests|FailureCountingTests|RunOutputTests)/)'
# At most twice as many tests at once as there are cores (Swift Testing would start them all).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-$(( $(nproc) * 2 ))}
swift test --filter "$unit_targets" "$@"
swift test --skip-build --skip "$unit_targets" --skip "$whole_machine" "$@"
swift test --skip-build --no-parallel --filter "$whole_machine" "$@"
.venv/bin/python -m pytest -q Tests/Deploy  # Kubernetes and KServe manifests against their schemas
swift build --product quantbench
.venv/bin/python -m pytest -q Tests/Fleet  # 2 replicas behind nginx: rolling swap, SIGTERM drain, SIGKILL, ~1 min
.venv/bin/python -m pytest -q Tests/Attacks  # hostile clients against the real binary, ~2 min (Tests/Attacks/README.md)
deploy/build-release.sh  # the Containerfile's build steps, and its run stage's packages checked
scripts/fuzz.sh  # every libFuzzer target for 20 s, after replaying fuzz/regressions/
