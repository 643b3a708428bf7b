#!/usr/bin/env python3
"""Writes a corpus of customer-service texts that all tokenize to exactly --length tokens
([CLS] and [SEP] included) with the model's tokenizer, one JSON string per line (the corpus
format of `quantbench --corpus` and the input of `quantserve tokenize`).

Each text joins intent example phrases of the default model (scripts/default-model/intents.json)
in a seeded random order, cuts whole words off the end until it fits, then appends words that
are a single token each until it has exactly the length. Every text is checked again at the end.

    make_corpus.py --tokenizer models/minilm/1/tokenizer.json --length 32 --count 512 --out FILE
"""
import argparse
import json
import random
from pathlib import Path

from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokenizer", type=Path, required=True)
    parser.add_argument("--length", type=int, required=True, help="tokens per text, [CLS] and [SEP] included")
    parser.add_argument("--count", type=int, default=512)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.length < 3:
        parser.error("--length must be at least 3")

    tokenizer = Tokenizer.from_file(str(args.tokenizer))
    tokenizer.no_padding()
    tokenizer.no_truncation()

    def tokens(text):
        return len(tokenizer.encode(text).ids)

    intents = json.loads((ROOT / "scripts" / "default-model" / "intents.json").read_text())["intents"]
    phrases = [example for intent in intents for example in intent["examples"]]
    fillers = sorted({word for phrase in phrases for word in phrase.lower().replace("?", " ").replace(",", " ")
                      .replace(".", " ").replace("!", " ").split() if word.isalpha() and tokens(word) == 3})
    generator = random.Random(args.seed)
    texts = []
    while len(texts) < args.count:
        words = []
        while tokens(" ".join(words)) < args.length:
            words += generator.choice(phrases).split()
        while tokens(" ".join(words)) > args.length:
            words.pop()
        while tokens(" ".join(words)) < args.length:
            words.append(generator.choice(fillers))
        text = " ".join(words)
        if tokens(text) == args.length:  # a filler can merge with the word before it; then try again
            texts.append(text)
    assert all(tokens(text) == args.length for text in texts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(text) + "\n" for text in texts))


if __name__ == "__main__":
    main()
