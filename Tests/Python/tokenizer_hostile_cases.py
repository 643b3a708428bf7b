#!/usr/bin/env python3
"""Prints what Hugging Face `tokenizers` makes of hostile and very long texts, as JSON.

Run by TokenizerHostileInputTests: the Swift tokenizer must give the same ids, both whole and
truncated. The texts are those that once made the Swift tokenizer quadratic (long runs of
combining marks out of canonical order), long words and whitespace runs, and long ordinary
texts whose chunk boundaries (the Swift tokenizer reads a text in chunks cut at whitespace)
fall next to scalars that must not be cut at: U+0085 (whitespace, but removed by clean_text)
and added tokens, some spelled with whitespace.

Output: {"variants": {name: tokenizer.json text}, "cases": [{"variant", "name", "text",
"count", "fnv1a64"}]}, the ids of each text summarised by their count and FNV-1a hash (as in
make_tokenizer_fixture.py), special tokens added, no truncation or padding.
"""
import json
import os
import sys

from make_tokenizer_fixture import MODEL_DIR, encode, fnv1a64, load_tokenizer, probe_vocabulary

# Marks with a non-zero combining class: U+0301 (230) and U+0316 (220) are Mn, dropped when
# accents are stripped; U+1D165 and U+1D16E (216) and U+1D16D (226) are Mc, kept, so their
# order shows in the ids of the probe vocabulary.
ACUTE, GRAVE_BELOW = "\u0301", "\u0316"
STEM, FLAG, DOT = "\U0001D165", "\U0001D16E", "\U0001D16D"
# Just under the Swift reader's minimum chunk (4,096 scalars), so that what follows straddles
# the first place it may cut.
LEAD = "a " * 2047


def minilm_cases():
    yield "marks-20000", "a" + ACUTE * 20000 + GRAVE_BELOW * 20000
    yield "marks-in-words", ("x" + ACUTE * 300 + GRAVE_BELOW * 300 + "y ") * 40
    yield "nul-and-controls", "\x00\x01\x02 control chars ... \x7f\u200b\ufffd end"
    yield "whitespace-run", " \t\n\u3000\u00a0" * 20000 + "hello"
    yield "long-word", "z" * 50000 + " done"
    yield "nel-is-not-a-cut", LEAD + "ab\u0085cd efg"
    yield "nbsp-is-a-cut", LEAD + "ab\u00a0cd efg"
    yield "mask-at-the-cut", LEAD + "xy[MASK]z [MASK] " * 3
    ordinary = ("Where is my order #A-10293? It was due on Tuesday, and the café said "
                "naïve 東京 customers get refunds. ")
    yield "ordinary-300k", ordinary * (300_000 // len(ordinary))


def probe_cases():
    # Words stay within the probe's 1,000 scalars per word, so that every mark shows in the ids.
    yield "mc-marks-reversed", ("a" + DOT * 450 + STEM * 450 + " ") * 20
    yield "mc-marks-interleaved", ("a" + (DOT + STEM + ACUTE + FLAG + GRAVE_BELOW + STEM) * 160 + " ") * 20
    yield "mc-marks-per-word", ("b" + DOT * 50 + FLAG + STEM * 50 + " ") * 200
    yield "long-word-pieces", ("ab" * 400 + " ") * 20


def spaced_token_cases():
    yield "spaced-token-at-the-cut", LEAD + "xfoo bar baz"
    yield "spaced-token-many", ("lorem ipsum foo bar " * 600)


def main():
    with open(os.path.join(MODEL_DIR, "tokenizer.json"), encoding="utf-8") as file:
        base = json.load(file)
    probe = json.loads(json.dumps(base))
    # Every scalar of the normalized probe texts, alone and with ##: the ids spell the text out.
    probe["model"]["vocab"] = probe_vocabulary(load_tokenizer(json.dumps(base)), [text for _, text in probe_cases()], [])
    probe["model"]["max_input_chars_per_word"] = 1000
    spaced = json.loads(json.dumps(base))
    spaced["added_tokens"].append({"id": 104, "special": False, "content": "foo bar", "single_word": False,
                                   "lstrip": False, "rstrip": False, "normalized": False})
    variants = {"minilm": base, "probe": probe, "spaced-token": spaced}
    sources = {"minilm": minilm_cases, "probe": probe_cases, "spaced-token": spaced_token_cases}
    cases = []
    for variant, document in variants.items():
        tokenizer = load_tokenizer(json.dumps(document))
        for name, text in sources[variant]():
            ids = encode(tokenizer, text)
            cases.append({"variant": variant, "name": name, "text": text,
                          "count": len(ids), "fnv1a64": format(fnv1a64(ids), "016x")})
    json.dump({"variants": {name: json.dumps(document) for name, document in variants.items()},
               "cases": cases}, sys.stdout)


if __name__ == "__main__":
    main()
