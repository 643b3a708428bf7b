#!/usr/bin/env python3
"""Reference BERT sentence embeddings in numpy, written independently of the Swift engine.

Reads a Hugging Face folder (config.json, model.safetensors in fp32, tokenizer.json) and computes
mean-pooled, L2-normalized sentence embeddings in float64: word + position + token-type-0
embeddings, LayerNorm, then per layer self-attention, residual + LayerNorm, exact-erf GELU FFN,
residual + LayerNorm.

Input (stdin or --input): a JSON object with either "texts" (strings, tokenized here with the
`tokenizers` library, truncated to --max-length) or "ids" (lists of token ids).
Output (stdout): a JSON object {"ids": [[...]], "embeddings": [[...]]}.

    bert_reference.py --model HF_DIR [--input request.json] [--max-length 256]

(The Swift test that uses it first checks it against the similarities published for
all-MiniLM-L6-v2: Tests/QuantServeModelAccuracyTests/MiniLMAccuracyTests.swift.)
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file


def erf(x):
    """The error function in float64, within 1e-10 of math.erf: the Maclaurin series for |x| <= 4
    and the asymptotic expansion of erfc beyond (vectorized; math.erf element by element is slow)."""
    magnitude = np.abs(x)
    inner = np.minimum(magnitude, 4.0)
    square = inner * inner
    term = inner.copy()
    series = inner.copy()
    for n in range(1, 100):
        term = term * -square / n
        series = series + term / (2 * n + 1)
    series *= 2.0 / math.sqrt(math.pi)
    outer = np.maximum(magnitude, 4.0)
    inverse = 1.0 / (2.0 * outer * outer)
    correction = np.ones_like(outer)
    step = np.ones_like(outer)
    for k in range(1, 12):
        step = step * -(2 * k - 1) * inverse
        correction = correction + step
    asymptotic = 1.0 - np.exp(-outer * outer) / (outer * math.sqrt(math.pi)) * correction
    return np.sign(x) * np.where(magnitude <= 4.0, series, asymptotic)


class Bert:
    def __init__(self, folder: Path):
        self.config = json.loads((folder / "config.json").read_text())
        raw = load_file(str(folder / "model.safetensors"))
        # Some checkpoints prefix every name with "bert."; strip it.
        self.w = {k[5:] if k.startswith("bert.") else k: v.astype(np.float64) for k, v in raw.items()}
        self.eps = float(self.config.get("layer_norm_eps", 1e-12))
        self.heads = int(self.config["num_attention_heads"])
        self.layers = int(self.config["num_hidden_layers"])

    def layer_norm(self, x, prefix):
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[prefix + ".weight"] + self.w[prefix + ".bias"]

    def linear(self, x, prefix):
        return x @ self.w[prefix + ".weight"].T + self.w[prefix + ".bias"]

    @staticmethod
    def gelu(x):
        return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))

    def token_states(self, ids):
        n = len(ids)
        x = (self.w["embeddings.word_embeddings.weight"][ids]
             + self.w["embeddings.position_embeddings.weight"][:n]
             + self.w["embeddings.token_type_embeddings.weight"][0])
        x = self.layer_norm(x, "embeddings.LayerNorm")
        hidden = x.shape[1]
        head_dim = hidden // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = self.linear(x, p + "attention.self.query").reshape(n, self.heads, head_dim).transpose(1, 0, 2)
            k = self.linear(x, p + "attention.self.key").reshape(n, self.heads, head_dim).transpose(1, 0, 2)
            v = self.linear(x, p + "attention.self.value").reshape(n, self.heads, head_dim).transpose(1, 0, 2)
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(head_dim)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            probs = scores / scores.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(1, 0, 2).reshape(n, hidden)
            x = self.layer_norm(self.linear(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            inner = self.gelu(self.linear(x, p + "intermediate.dense"))
            x = self.layer_norm(self.linear(inner, p + "output.dense") + x, p + "output.LayerNorm")
        return x

    def embed(self, ids):
        pooled = self.token_states(np.asarray(ids, dtype=np.int64)).mean(axis=0)
        return pooled / max(np.linalg.norm(pooled), 1e-12)


def tokenize(folder: Path, texts, max_length):
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return [list(e.ids) for e in tokenizer.encode_batch(texts)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, type=Path, help="Hugging Face model folder")
    parser.add_argument("--input", type=Path, help="request JSON (default: stdin)")
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args()
    model = Bert(args.model)
    request = json.loads(args.input.read_text() if args.input else sys.stdin.read())
    ids = request["ids"] if "ids" in request else tokenize(args.model, request["texts"], args.max_length)
    embeddings = [model.embed(x).tolist() for x in ids]
    json.dump({"ids": ids, "embeddings": embeddings}, sys.stdout)


if __name__ == "__main__":
    main()
