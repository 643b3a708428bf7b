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
  float_reference.py ggml [--variant V] [--prompts N]
      llama.cpp's CPU arithmetic redone in numpy (GgmlLlama: ggml 0.25.3 on x86 as llama-server runs
      this file, with a KV cache): the Q4_1 projections on Q8_1 block activations (fp16 d and s,
      ties to even), the tied Q8_0 head on Q8_0 block activations, flash attention's one-row kernel
      (Q rounded to fp16 against the f16 K cache, online softmax, fp16 output accumulator), RMSNorm
      with a double sum, RoPE angles by repeated float32 multiplication; greedy over the first N
      prompts (default 50). A variant switches one detail back (GGML_VARIANTS: float32 activation
      scales, roundf, float32 attention, float32 head, float32 projections). Not bit-exact: the sums
      over blocks run in float64 rather than ggml's float32 lanes, and exp, cos and SiLU are numpy's,
      not ggml's vectorized expf and libm's.
  float_reference.py sensitivity [--prompts N]
      how far a negligible change (RMSNorm's epsilon times 1 + 1e-3) moves the last position's
      top-8 log-probabilities of the first N prompts (default 10): in float32 and in ggml mode
  float_reference.py agree FILE
      how many of FILE's continuations equal the reference's first 16 tokens; FILE from
      `llama_cpp_peer.py --only greedy --server-args "-fa off" --greedy-out FILE`: llama.cpp
      against itself under other (equally valid) arithmetic.

Run with the project venv (.venv/bin/python); each takes a few minutes on one core (ggml: 1.5 min).
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
from gguf import GGMLQuantizationType as Q  # noqa: E402

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


# ---- ggml mode: llama.cpp's CPU arithmetic for this file (ggml 0.25.3, AVX2), as exactly as numpy can ----

F16, F32, F64 = np.float16, np.float32, np.float64


def fp16(x):
    """Through fp16 (round to nearest even, as ggml's FP32_TO_FP16) and back to float32."""
    return np.asarray(x, dtype=F32).astype(F16).astype(F32)


def block_activations(x, scale16=True, rounding="even"):
    """ggml's quantize_row_q8_1/q8_0 of each row of `x` [n, k]: per block of 32, d = amax/127,
    values round(x * 127/amax); d stored as fp16 and s = fp16(d * sum(values)) unless not `scale16`.
    `rounding` "even" is AVX2's _mm256_round_ps (nearest, ties to even), "away" the reference C's roundf."""
    blocks = x.astype(F32).reshape(x.shape[0], -1, 32)
    amax = np.abs(blocks).max(axis=2)
    d = amax / F32(127)
    with np.errstate(divide="ignore"):
        inverse = np.where(amax != 0, F32(127) / amax, F32(0)).astype(F32)
    scaled = blocks * inverse[:, :, None]
    values = np.rint(scaled) if rounding == "even" else np.sign(scaled) * np.floor(np.abs(scaled) + F32(0.5))
    s = d * values.sum(axis=2, dtype=F32)
    return values.astype(F32), (fp16(d) if scale16 else d), (fp16(s) if scale16 else s.astype(F32))


class BlockWeights:
    """A Q4_1 or Q8_0 matrix as ggml holds it: levels [blocks, 32, rows], fp16 scales (and Q4_1's
    minimums) [blocks, rows] widened to float32."""

    def __init__(self, data, qtype, rows):
        size = 20 if qtype == Q.Q4_1 else 34
        raw = np.ascontiguousarray(data).reshape(rows, -1, size)
        self.d = raw[:, :, 0:2].copy().view(F16)[..., 0].astype(F32).T.copy()
        if qtype == Q.Q4_1:
            self.m = raw[:, :, 2:4].copy().view(F16)[..., 0].astype(F32).T.copy()
            packed = raw[:, :, 4:]
            levels = np.concatenate([packed & 0x0F, packed >> 4], axis=2)
        else:
            self.m = None
            levels = raw[:, :, 2:].copy().view(np.int8)
        self.levels = np.ascontiguousarray(levels.astype(F32).transpose(1, 2, 0))

    def dequantized(self):
        values = self.levels * self.d[:, None, :]
        if self.m is not None:
            values = values + self.m[:, None, :]
        return values.transpose(2, 0, 1).reshape(self.d.shape[1], -1)

    def times(self, x, scale16=True, rounding="even"):
        """x [n, k] @ W.T the way ggml_vec_dot_q4_1_q8_1 / q8_0_q8_0 do: per block d_w*d_a*sum(q*v)
        (+ m_w*s_a for Q4_1); the sums over blocks in float64 (ggml: float32 lanes, ~1e-7 apart)."""
        values, d, s = block_activations(x, scale16, rounding)
        dots = np.matmul(values.transpose(1, 0, 2), self.levels)  # [blocks, n, rows], exact integers
        scales = (self.d[:, None, :] * d.T[:, :, None]).astype(F64)
        out = (scales * dots).sum(axis=0)
        if self.m is not None:
            out += (self.m[:, None, :] * s.T[:, :, None]).astype(F64).sum(axis=0)
        return out.astype(F32)


GGML_VARIANTS = {
    "ggml": {},
    "ggml-f32-scales": {"scale16": False},
    "ggml-roundf": {"rounding": "away"},
    "ggml-f32-attention": {"attention": "f32"},
    "ggml-f32-head": {"head": "f32"},
    "ggml-f32-linears": {"linears": "f32"},
}


HYPERPARAMETERS = [("layers", "block_count", int), ("hidden", "embedding_length", int),
                   ("heads", "attention.head_count", int), ("kv_heads", "attention.head_count_kv", int),
                   ("eps", "attention.layer_norm_rms_epsilon", F32), ("base", "rope.freq_base", F32)]


class GgmlLlama:
    """SmolLM2 with llama.cpp's CPU arithmetic (llama-server defaults: f16 KV cache, flash attention
    on, which for prompts under 64 tokens is ggml's one-row flash-attention kernel):
    Q4_1 projections on Q8_1 activations, the tied Q8_0 head on Q8_0 activations, Q rounded to fp16
    against the f16 K cache, online softmax with an fp16 V accumulator, RMSNorm with a double sum,
    RoPE angles by repeated float32 multiplication. Options switch one detail back to float32."""

    def __init__(self, path, scale16=True, rounding="even", attention="ggml", head="q8_0", linears="q4_1"):
        import gguf
        self.options = dict(scale16=scale16, rounding=rounding)
        self.attention, self.head, self.linears = attention, head, linears
        reader = gguf.GGUFReader(path)
        for name, key, kind in HYPERPARAMETERS:
            setattr(self, name, kind(reader.fields["llama." + key].contents()))
        self.dim = self.hidden // self.heads
        self.w = {}
        for tensor in reader.tensors:
            if tensor.tensor_type in (Q.Q4_1, Q.Q8_0):
                self.w[tensor.name] = BlockWeights(tensor.data, tensor.tensor_type, int(tensor.shape[1]))
            else:
                self.w[tensor.name] = np.asarray(tensor.data, dtype=F32)
        self.embedding = self.w["token_embd.weight"].dequantized()
        self.float_weights = {}

    def linear(self, name, x, quantized=True):
        weights = self.w[name]
        if quantized:
            return weights.times(x, **self.options)
        if name not in self.float_weights:
            self.float_weights[name] = weights.dequantized()
        return (x.astype(F64) @ self.float_weights[name].T.astype(F64)).astype(F32)

    def norm(self, x, weight):
        mean = ((x * x).astype(F64).sum(axis=1) / x.shape[1]).astype(F32)
        scale = (F32(1) / np.sqrt(mean + self.eps)).astype(F32)
        return (x * scale[:, None]) * weight

    def rope(self, x, positions):
        theta_scale = F32(np.power(self.base, F32(-2.0) / F32(self.dim), dtype=F32))
        theta = np.empty((len(positions), self.dim // 2), dtype=F32)
        theta[:, 0] = np.asarray(positions, dtype=F32)
        for i in range(1, self.dim // 2):
            theta[:, i] = theta[:, i - 1] * theta_scale
        cos, sin = np.cos(theta)[:, None, :], np.sin(theta)[:, None, :]
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x0 * cos - x1 * sin
        out[..., 1::2] = x0 * sin + x1 * cos
        return out

    def attend(self, q, keys, values, positions):
        """q [n, heads, dim] at `positions` against the cache keys/values [T, kv_heads, dim]."""
        group = self.heads // self.kv_heads
        kv_of = np.arange(self.heads) // group
        scale = F32(1 / np.sqrt(self.dim))
        if self.attention == "f32":
            k, v = keys[:, kv_of].astype(F32), values[:, kv_of].astype(F32)
            scores = np.einsum("nhd,thd->nht", q, k) * scale
            scores = np.where(np.arange(len(k))[None, None, :] <= positions[:, None, None], scores, -np.inf)
            scores = np.exp(scores - scores.max(axis=2, keepdims=True))
            scores /= scores.sum(axis=2, keepdims=True)
            return np.einsum("nht,thd->nhd", scores, v).astype(F32)
        q16 = q.astype(F16).astype(F64)
        n = q.shape[0]
        M = np.full((n, self.heads), -np.inf, dtype=F32)
        S = np.zeros((n, self.heads), dtype=F32)
        acc = np.zeros((n, self.heads, self.dim), dtype=F16)
        with np.errstate(invalid="ignore", over="ignore"):
            for ic in range(keys.shape[0]):
                valid = (ic <= positions)[:, None]
                if not valid.any():
                    continue
                k, v = keys[ic, kv_of].astype(F64), values[ic, kv_of].astype(F64)
                s = ((q16 * k).sum(axis=2)).astype(F32) * scale
                new = valid & (s > M)
                ms = np.where(new, np.exp(M - s), F32(1)).astype(F32)
                vs = np.where(new, F32(1), np.where(valid, np.exp(s - M), F32(0))).astype(F32)
                M = np.where(new, s, M)
                acc = np.where(new[..., None], (acc.astype(F32) * ms[..., None]).astype(F16), acc)
                added = (acc.astype(F64) + v[None] * vs[..., None].astype(F64)).astype(F32).astype(F16)
                acc = np.where(valid[..., None], added, acc)
                S = np.where(valid, (S.astype(F64) * ms + vs).astype(F32), S)
        return (acc.astype(F32) * (F32(1) / S)[..., None]).astype(F32)

    def forward(self, tokens, cache):
        """Appends `tokens` to `cache` (per layer f16 or f32 K and V) and returns the last logits."""
        start = cache[0][0].shape[0] if cache else 0
        n = len(tokens)
        positions = np.arange(start, start + n)
        x = self.embedding[np.array(tokens)]
        kv_type = F32 if self.attention == "f32" else F16
        quantized = self.linears == "q4_1"
        for layer in range(self.layers):
            p = f"blk.{layer}."
            h = self.norm(x, self.w[p + "attn_norm.weight"])
            q = self.linear(p + "attn_q.weight", h, quantized).reshape(n, self.heads, self.dim)
            k = self.linear(p + "attn_k.weight", h, quantized).reshape(n, self.kv_heads, self.dim)
            v = self.linear(p + "attn_v.weight", h, quantized).reshape(n, self.kv_heads, self.dim)
            q, k = self.rope(q, positions), self.rope(k, positions)
            if len(cache) <= layer:
                cache.append((np.empty((0, self.kv_heads, self.dim), kv_type),) * 2)
            keys = np.concatenate([cache[layer][0], k.astype(kv_type)])
            values = np.concatenate([cache[layer][1], v.astype(kv_type)])
            cache[layer] = (keys, values)
            context = self.attend(q, keys, values, positions).reshape(n, self.hidden)
            x = x + self.linear(p + "attn_output.weight", context, quantized)
            h = self.norm(x, self.w[p + "ffn_norm.weight"])
            gate = self.linear(p + "ffn_gate.weight", h, quantized)
            up = self.linear(p + "ffn_up.weight", h, quantized)
            x = x + self.linear(p + "ffn_down.weight", (gate / (F32(1) + np.exp(-gate)) * up).astype(F32), quantized)
        last = self.norm(x[-1:], self.w["output_norm.weight"])
        return self.linear("token_embd.weight", last, self.head == "q8_0")[0]


def ggml_greedy(args):
    model = GgmlLlama(smollm2_path(), **GGML_VARIANTS[args.variant])
    rows = peer_rows()[:args.prompts]
    same, first = 0, 0
    for row in rows:
        cache, chosen = [], []
        logits = model.forward(list(row["prompt_token_ids"]), cache)
        for _ in range(TOKENS):
            token = int(np.argmax(logits))
            chosen.append(token)
            if token in END_TOKENS or len(chosen) == TOKENS:
                break
            logits = model.forward([token], cache)
        theirs = row["token_ids"][:TOKENS]
        same += chosen == theirs
        first += chosen[0] == theirs[0]
        print(f"{row['id']:16} {'=' if chosen == theirs else 'differs'}", flush=True)
    print(json.dumps({"variant": args.variant, "same_first_16": same, "same_first_token": first, "prompts": len(rows)}))


def sensitivity(args):
    """How far a negligible change (RMSNorm's epsilon times 1 + 1e-3, below one float32 ulp of the
    normalized values) moves the last position's top-8 log-probabilities, in float32 and in ggml mode."""
    def log_probs(model, tokens):
        logits = model.forward(tokens, []).astype(F64)
        logits -= logits.max()
        return logits - np.log(np.exp(logits).sum())
    changes = {}
    for name, options in {"float32": dict(attention="f32", head="f32", linears="f32"), "ggml": {}}.items():
        model = GgmlLlama(smollm2_path(), **options)
        nudged = GgmlLlama.__new__(GgmlLlama)
        nudged.__dict__.update(model.__dict__)
        nudged.eps = F32(model.eps * (1 + 1e-3))
        changes[name] = []
        for row in peer_rows()[:args.prompts]:
            tokens = list(row["prompt_token_ids"])
            base = log_probs(model, tokens)
            top = np.argsort(base)[::-1][:8]
            changes[name].append(float(np.abs(log_probs(nudged, tokens)[top] - base[top]).max()))
    print(json.dumps({"prompts": args.prompts, "median_max_top8_logprob_change": {k: float(np.median(v)) for k, v in changes.items()},
                      "largest": {k: max(v) for k, v in changes.items()}}))


def agree(args):
    """How many of another run's greedy continuations (a llama_cpp_peer.py --greedy-out file) equal the reference's."""
    theirs = {row["id"]: row["token_ids"][:TOKENS] for row in peer_rows()}
    with open(args.continuations) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    same = sum(row["token_ids"][:TOKENS] == theirs[row["id"]] for row in rows)
    first = sum(row["token_ids"][:1] == theirs[row["id"]][:1] for row in rows)
    print(json.dumps({"continuations": args.continuations, "same_first_16": same, "same_first_token": first, "prompts": len(rows)}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("greedy")
    site_parser = commands.add_parser("sites")
    site_parser.add_argument("--prompts", type=int, default=25)
    ggml_parser = commands.add_parser("ggml")
    ggml_parser.add_argument("--variant", choices=GGML_VARIANTS, default="ggml")
    ggml_parser.add_argument("--prompts", type=int, default=50)
    commands.add_parser("agree").add_argument("continuations")
    commands.add_parser("sensitivity").add_argument("--prompts", type=int, default=10)
    args = parser.parse_args()
    {"greedy": greedy, "sites": sites, "ggml": ggml_greedy, "agree": agree, "sensitivity": sensitivity}[args.command](args)


if __name__ == "__main__":
    main()
