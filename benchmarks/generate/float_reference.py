"""Why QuantServe's greedy continuations differ from llama.cpp's (issue 12): numpy over SmolLM2's GGUF.

  float_reference.py greedy
      A float32 forward over the GGUF's dequantized weights (Tests/Python/llama_reference.py, no
      quantization at all), greedy from llama.cpp's own prompt token ids: the share of prompts whose
      first 16 tokens, and whose first token, equal llama.cpp's (reference/generate-llama-cpp-greedy.jsonl).
  float_reference.py sites [--prompts N]
      The int8 path simulated site by site: 8-bit asymmetric per-token activations at one
      projection's input (QKV, attention output, gate/up, down, output head) or at all of them,
      16-bit activations everywhere, weights re-quantized to int8 per output channel, and what the
      server runs (int8 weights, 8-bit activations, 16-bit down input); for each, the
      RMS difference of the last position's logits from float32 and how often the best token is
      llama.cpp's first one, over the first N prompts (default 25).

Run with the project venv (.venv/bin/python); each takes a few minutes on one core.
"""
import argparse
import json
import os
import subprocess
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))
from llama_reference import Llama  # noqa: E402

TOKENS = 16
END_TOKENS = (0, 2)  # <|endoftext|>, <|im_end|>
SITES = {"q": "QKV input", "o": "attention output input", "g": "gate/up input", "d": "down input", "h": "output head input"}


def smollm2_path():
    return subprocess.check_output([sys.executable, os.path.join(ROOT, "scripts", "model-packages.py"), "smollm2"],
                                   text=True).strip()


def peer_rows():
    with open(os.path.join(HERE, "reference", "generate-llama-cpp-greedy.jsonl")) as f:
        return [json.loads(line) for line in f if line.strip()]


def int8_rows(weights):
    """Symmetric int8 with one scale per output row, back to float."""
    scale = np.abs(weights).max(axis=1, keepdims=True) / 127
    scale[scale == 0] = 1
    return (np.clip(np.round(weights / scale), -127, 127) * scale).astype(np.float32)


def per_token(levels):
    """Asymmetric quantization of each row to `levels` + 1 levels, back to float."""
    def quantize(x):
        low, high = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
        scale = (high - low) / levels
        scale[scale == 0] = 1
        zero = np.round(-low / scale)
        return ((np.clip(np.round(x / scale) + zero, 0, levels) - zero) * scale).astype(np.float32)
    return quantize


def last_logits(model, weights, output, tokens, activation):
    """The logits after the last token, with `activation(site)` applied to each projection's input."""
    n = len(tokens)
    positions = np.arange(n, dtype=np.float64)
    x = weights["token_embd.weight"][np.array(tokens)]
    group = model.heads // model.kv_heads
    mask = np.triu(np.full((n, n), -np.inf), 1)
    for layer in range(model.layers):
        p = f"blk.{layer}."
        h = activation("q")(model.norm(x, weights[p + "attn_norm.weight"]))
        q = (h @ weights[p + "attn_q.weight"].T).reshape(n, model.heads, model.dim)
        k = (h @ weights[p + "attn_k.weight"].T).reshape(n, model.kv_heads, model.dim)
        v = (h @ weights[p + "attn_v.weight"].T).reshape(n, model.kv_heads, model.dim)
        q, k = model.rope(q, positions), model.rope(k, positions)
        context = np.empty((n, model.heads, model.dim))
        for head in range(model.heads):
            scores = q[:, head] @ k[:, head // group].T / np.sqrt(model.dim) + mask
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            scores /= scores.sum(axis=1, keepdims=True)
            context[:, head] = scores @ v[:, head // group]
        x = x + activation("o")(context.reshape(n, model.hidden)) @ weights[p + "attn_output.weight"].T
        h = activation("g")(model.norm(x, weights[p + "ffn_norm.weight"]))
        gate = h @ weights[p + "ffn_gate.weight"].T
        up = h @ weights[p + "ffn_up.weight"].T
        x = x + activation("d")(gate / (1 + np.exp(-gate)) * up) @ weights[p + "ffn_down.weight"].T
    return (activation("h")(model.norm(x[-1:], weights["output_norm.weight"])) @ output.T)[0]


def greedy(args):
    model = Llama(smollm2_path(), dtype=np.float32)
    rows = peer_rows()
    same, first = 0, 0
    for row in rows:
        tokens, chosen = list(row["prompt_token_ids"]), []
        for _ in range(TOKENS):
            token = int(np.argmax(model.logits(tokens, last_only=True)[-1]))
            chosen.append(token)
            tokens.append(token)
            if token in END_TOKENS:
                break
        theirs = row["token_ids"][:TOKENS]
        same += chosen == theirs[:len(chosen)] and len(chosen) == len(theirs)
        first += chosen[0] == theirs[0]
        print(f"{row['id']:16} {'=' if chosen == theirs else 'differs'}", flush=True)
    print(json.dumps({"float32_same_first_16": same, "float32_same_first_token": first, "prompts": len(rows)}))


def sites(args):
    model = Llama(smollm2_path(), dtype=np.float32)
    quantized = {name: int8_rows(w) if w.ndim == 2 else w for name, w in model.w.items()}
    quantized_output = int8_rows(model.output)
    eight, sixteen, exact = per_token(255), per_token(65535), (lambda x: x)
    variants = {f"8-bit {SITES[s]}": (False, lambda site, s=s: eight if site == s else exact) for s in SITES}
    variants["8-bit everywhere"] = (False, lambda site: eight)
    variants["16-bit everywhere"] = (False, lambda site: sixteen)
    variants["int8 weights"] = (True, lambda site: exact)
    variants["int8 weights, 8-bit everywhere"] = (True, lambda site: eight)
    variants["int8 weights, 8-bit, 16-bit down input (served)"] = (True, lambda site: sixteen if site == "d" else eight)
    rows = peer_rows()[:args.prompts]
    errors = {name: [] for name in variants}
    agree = dict.fromkeys(["float32"] + list(variants), 0)
    for row in rows:
        tokens = row["prompt_token_ids"]
        reference = last_logits(model, model.w, model.output, tokens, lambda site: exact)
        agree["float32"] += int(np.argmax(reference)) == row["token_ids"][0]
        for name, (int8_weights, activation) in variants.items():
            weights, output = (quantized, quantized_output) if int8_weights else (model.w, model.output)
            logits = last_logits(model, weights, output, tokens, activation)
            errors[name].append(float(np.sqrt(np.mean((logits - reference) ** 2))))
            agree[name] += int(np.argmax(logits)) == row["token_ids"][0]
    print(json.dumps({"prompts": len(rows), "first_token_equal_to_llama_cpp": agree,
                      "rms_logit_error_vs_float32": {k: round(float(np.mean(v)), 4) for k, v in errors.items()}},
                     indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("greedy")
    site_parser = commands.add_parser("sites")
    site_parser.add_argument("--prompts", type=int, default=25)
    args = parser.parse_args()
    greedy(args) if args.command == "greedy" else sites(args)


if __name__ == "__main__":
    main()
