#!/usr/bin/env bash
# Renders the sample quantbench HTML report (synthetic data, titled "sample data") in headless
# Chromium and saves the screenshot as docs/images/quantbench-report.png, the README's picture.
# The sample is SampleReport in Tests/QuantBenchTests; the Chromium test takes the screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/images
QUANTBENCH_SAMPLE_REPORT_PNG=docs/images/quantbench-report.png \
  swift test --filter 'HTMLReportChromiumTests'
echo "wrote docs/images/quantbench-report.png"
