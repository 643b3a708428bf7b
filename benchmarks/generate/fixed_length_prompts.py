"""Writes a quantbench corpus of raw prompts that are each exactly N tokens long for SmolLM2
(its own byte-level BPE, built by Tests/Python/make_bpe_fixture.py), from quantbench's bundled
customer-service texts, so that `quantbench generate --raw-prompt --corpus FILE` measures time to
first token for a stated prompt length (issue 12: TTFT of a 128-token prompt with 16 streams).

    .venv/bin/python benchmarks/generate/fixed_length_prompts.py --tokens 128 > /tmp/prompts-128.jsonl
"""
import argparse
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests/Python"))
from make_bpe_fixture import smollm2_tokenizer  # noqa: E402

CORPUS = os.path.join(ROOT, "Sources/quantbench/Corpus/customer-service.jsonl")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128, help="tokens per prompt")
    parser.add_argument("--count", type=int, default=64, help="prompts to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tokenizer, _ = smollm2_tokenizer()
    texts = [json.loads(line) for line in open(CORPUS, encoding="utf-8") if line.strip()]
    draw = random.Random(args.seed)
    written = 0
    while written < args.count:
        ids = []
        while len(ids) < args.tokens + 8:
            ids += tokenizer.encode(draw.choice(texts) + " ").ids
        # A cut can re-tokenize differently; keep the prompts whose text encodes to exactly N ids.
        prompt = tokenizer.decode(ids[: args.tokens])
        if len(tokenizer.encode(prompt).ids) == args.tokens:
            print(json.dumps(prompt, ensure_ascii=False))
            written += 1


if __name__ == "__main__":
    main()
