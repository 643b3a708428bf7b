"""Encodes a sweep over Unicode with Hugging Face `tokenizers` built from the SmolLM2 GGUF (as
make_bpe_fixture.py builds it), for BPETokenizerTests to compare id for id at test time.

  bpe_codepoint_sweep.py OUT

Every scalar c from U+0000 to U+3FFFF (surrogates left out) appears in "a{c}!{c} {c}{c}1{c}\\n",
so that its class (letter, number, whitespace, other) decides how the text splits; the scalars go
in blocks of 512 per string. OUT has a line per block: its first and last scalar, the ids, and
the lengths in scalars of the pre-tokens (ids alone would not show a split that no merge crosses),
the three parts separated by " | ", the numbers by spaces.
"""
import sys

from make_bpe_fixture import smollm2_tokenizer


def sweep_texts():
    scalars = [c for c in range(0x40000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(scalars), 512):
        block = scalars[start:start + 512]
        yield block[0], block[-1], "".join(f"a{chr(c)}!{chr(c)} {chr(c)}{chr(c)}1{chr(c)}\n" for c in block)


def main():
    tokenizer, _ = smollm2_tokenizer()
    split = tokenizer.pre_tokenizer.pre_tokenize_str
    blocks = list(sweep_texts())
    encodings = tokenizer.encode_batch([text for _, _, text in blocks], add_special_tokens=False)
    with open(sys.argv[1], "w") as f:
        for (first, last, text), encoding in zip(blocks, encodings):
            lengths = [end - start for _, (start, end) in split(text)]
            f.write(" | ".join(" ".join(map(str, part)) for part in ([first, last], encoding.ids, lengths)) + "\n")


if __name__ == "__main__":
    main()
