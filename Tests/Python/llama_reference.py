"""The numpy reference of the llama decoder tests (float64 over the GGUF's dequantized weights).

  llama_reference.py write-tiny GGUF OUT.json
      writes a tiny random llama GGUF (2 blocks, hidden 64, 4 query heads and 2 KV heads of 16,
      SwiGLU 96, vocabulary 128, tied Q8_0 embedding, Q4_1 / Q4_0 / Q8_0 / F16 linear layers,
      seeded) and, for a few token sequences, the logits after every position
  llama_reference.py write-bad KIND GGUF
      the tiny model broken one way (KIND: architecture, missing-tensor, bad-shape, heads)
  llama_reference.py greedy GGUF STEPS TOKEN... OUT.json
      greedy continuation of the prompt TOKEN... for STEPS tokens (the real SmolLM2 file): the
      tokens chosen and, for each, the margin between the best and the second-best logit

The forward pass is llama.cpp's for LLM_ARCH_LLAMA: RMSNorm, RoPE of the NORM type (adjacent pairs
(x[2i], x[2i+1]) rotated by pos * base^(-2i/head_dim); the converter permuted the GGUF's Q and K
rows for it), grouped-query causal attention, SwiGLU, a final RMSNorm and the output head
(token_embd when the file has no output.weight).
"""
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices; threads only contend with the test's own
import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q


def dequantize(data, qtype):
    """gguf.quants.dequantize, vectorized over whole tensors for Q8_0, Q4_0 and Q4_1 (the same
    arithmetic: fp16 scales widened, one multiply, for Q4_1 one add); other types through gguf."""
    sizes = {Q.Q8_0: 34, Q.Q4_0: 18, Q.Q4_1: 20}
    if qtype not in sizes:
        return gguf.quants.dequantize(data, qtype).astype(np.float32)
    rows = data.shape[0] if data.ndim > 1 else 1
    blocks = np.ascontiguousarray(data).reshape(-1, sizes[qtype])
    scale = blocks[:, 0:2].copy().view(np.float16).astype(np.float32)
    if qtype == Q.Q8_0:
        values = blocks[:, 2:].copy().view(np.int8).astype(np.float32) * scale
    else:
        packed = blocks[:, 4:] if qtype == Q.Q4_1 else blocks[:, 2:]
        levels = np.concatenate([packed & 0x0F, packed >> 4], axis=1).astype(np.float32)
        if qtype == Q.Q4_1:
            values = levels * scale + blocks[:, 2:4].copy().view(np.float16).astype(np.float32)
        else:
            values = (levels - 8) * scale
    return values.reshape(rows, -1)


class Llama:
    def __init__(self, path, dtype=np.float64):
        reader = gguf.GGUFReader(path)
        field = lambda key: reader.fields[key].contents()
        self.layers = int(field("llama.block_count"))
        self.hidden = int(field("llama.embedding_length"))
        self.heads = int(field("llama.attention.head_count"))
        self.kv_heads = int(field("llama.attention.head_count_kv"))
        self.eps = float(field("llama.attention.layer_norm_rms_epsilon"))
        self.base = float(field("llama.rope.freq_base"))
        self.dim = self.hidden // self.heads
        self.w = {}
        for tensor in reader.tensors:
            values = dequantize(tensor.data, tensor.tensor_type).astype(dtype)
            self.w[tensor.name] = values.reshape([int(d) for d in reversed(tensor.shape)])
        self.output = self.w.get("output.weight", self.w["token_embd.weight"])

    def norm(self, x, weight):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * weight

    def rope(self, x, positions):
        # x: [tokens, heads, dim]; adjacent pairs.
        pairs = self.dim // 2
        frequencies = self.base ** (-2.0 * np.arange(pairs) / self.dim)
        angles = positions[:, None] * frequencies[None, :]
        cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x0 * cos - x1 * sin
        out[..., 1::2] = x0 * sin + x1 * cos
        return out

    def logits(self, tokens, last_only=False):
        """The logits after every position of `tokens` (one causal pass), or after the last."""
        n = len(tokens)
        positions = np.arange(n, dtype=np.float64)
        x = self.w["token_embd.weight"][np.array(tokens)]
        group = self.heads // self.kv_heads
        mask = np.triu(np.full((n, n), -np.inf), 1)
        for layer in range(self.layers):
            p = f"blk.{layer}."
            h = self.norm(x, self.w[p + "attn_norm.weight"])
            q = (h @ self.w[p + "attn_q.weight"].T).reshape(n, self.heads, self.dim)
            k = (h @ self.w[p + "attn_k.weight"].T).reshape(n, self.kv_heads, self.dim)
            v = (h @ self.w[p + "attn_v.weight"].T).reshape(n, self.kv_heads, self.dim)
            q, k = self.rope(q, positions), self.rope(k, positions)
            context = np.empty((n, self.heads, self.dim))
            for head in range(self.heads):
                scores = q[:, head] @ k[:, head // group].T / np.sqrt(self.dim) + mask
                scores = np.exp(scores - scores.max(axis=1, keepdims=True))
                scores /= scores.sum(axis=1, keepdims=True)
                context[:, head] = scores @ v[:, head // group]
            x = x + context.reshape(n, self.hidden) @ self.w[p + "attn_output.weight"].T
            h = self.norm(x, self.w[p + "ffn_norm.weight"])
            gate = h @ self.w[p + "ffn_gate.weight"].T
            up = h @ self.w[p + "ffn_up.weight"].T
            x = x + (gate / (1 + np.exp(-gate)) * up) @ self.w[p + "ffn_down.weight"].T
        if last_only:
            x = x[-1:]
        return self.norm(x, self.w["output_norm.weight"]) @ self.output.T


TINY = dict(layers=2, hidden=64, heads=4, kv_heads=2, ffn=96, vocab=128, context=64)
# The sequences whose logits the tests check (token ids of the tiny vocabulary).
TINY_SEQUENCES = [
    [5, 17, 99, 3, 64, 21, 8, 127, 40, 33, 2, 90, 11, 76, 54, 19, 7, 120, 45, 61, 30, 88, 14, 101, 6],
    [42, 9, 115, 27, 3, 70, 58],
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
     31, 32, 33, 34, 35, 36, 37, 38, 39, 40],
]


def add_tiny_tokenizer(writer):
    """A 128-token byte-level BPE vocabulary: 3 control tokens, the 94 printable ASCII bytes and
    "Ġ" (space), and 30 merges ("Ġa" ... "Ġz", "he", "in", "er", "an"); a ChatML template."""
    control = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    letters = [chr(c) for c in range(33, 127)] + ["\u0120"]
    merges = [("\u0120", chr(c)) for c in range(ord("a"), ord("z") + 1)] + [("h", "e"), ("i", "n"), ("e", "r"), ("a", "n")]
    tokens = control + letters + [a + b for a, b in merges]
    assert len(tokens) == TINY["vocab"], len(tokens)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("smollm")
    writer.add_token_list(tokens)
    writer.add_token_types([3] * len(control) + [1] * (len(tokens) - len(control)))
    writer.add_token_merges([f"{a} {b}" for a, b in merges])
    writer.add_chat_template("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}")


def write_tiny(path, out):
    build_tiny(path)
    model = Llama(path)
    sequences = [{"tokens": s, "logits": model.logits(s).astype(np.float32).tolist()} for s in TINY_SEQUENCES]
    with open(out, "w") as f:
        json.dump({"sequences": sequences}, f)


# Broken variants of the tiny model for the import tests: what each changes.
BAD = {
    "architecture": dict(architecture="bert"),
    "missing-tensor": dict(skip="blk.1.ffn_down.weight"),
    "bad-shape": dict(kv_rows=24),
    "heads": dict(heads=5),
}


def build_tiny(path, architecture="llama", skip=None, kv_rows=None, heads=None):
    c = TINY
    rng = np.random.default_rng(20261127)
    writer = gguf.GGUFWriter(path, architecture)
    writer.add_block_count(c["layers"])
    writer.add_context_length(c["context"])
    writer.add_embedding_length(c["hidden"])
    writer.add_feed_forward_length(c["ffn"])
    writer.add_head_count(heads or c["heads"])
    writer.add_head_count_kv(c["kv_heads"])
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_freq_base(10000.0)
    writer.add_vocab_size(c["vocab"])
    writer.add_rope_dimension_count(c["hidden"] // c["heads"])
    add_tiny_tokenizer(writer)

    # Weights ~ N(0, 1/fan_in) (attention scores of unit scale), so the model is no more sensitive
    # to rounding than a trained one; the embedding is N(0, 1).
    def add(name, rows, cols, qtype, scale):
        if name == skip:
            return
        values = (rng.standard_normal((rows, cols)) * scale).astype(np.float32)
        if qtype == Q.F32:
            writer.add_tensor(name, values.reshape(-1) if rows == 1 else values)
        elif qtype == Q.F16:
            writer.add_tensor(name, values.astype(np.float16))
        else:
            writer.add_tensor(name, gguf.quants.quantize(values, qtype), raw_dtype=qtype)

    h, kv = c["hidden"], kv_rows or c["kv_heads"] * (c["hidden"] // c["heads"])
    add("token_embd.weight", c["vocab"], h, Q.Q8_0, 1.0)
    for layer in range(c["layers"]):
        p = f"blk.{layer}."
        writer.add_tensor(p + "attn_norm.weight", (1 + 0.1 * rng.standard_normal(h)).astype(np.float32))
        add(p + "attn_q.weight", h, h, Q.Q4_1, 0.125)
        add(p + "attn_k.weight", kv, h, Q.Q4_0, 0.125)
        add(p + "attn_v.weight", kv, h, Q.Q8_0, 0.125)
        add(p + "attn_output.weight", h, h, Q.F16, 0.125)
        writer.add_tensor(p + "ffn_norm.weight", (1 + 0.1 * rng.standard_normal(h)).astype(np.float32))
        add(p + "ffn_gate.weight", c["ffn"], h, Q.Q4_1, 0.125)
        add(p + "ffn_up.weight", c["ffn"], h, Q.Q8_0, 0.125)
        add(p + "ffn_down.weight", h, c["ffn"], Q.Q4_1, 0.1)
    writer.add_tensor("output_norm.weight", (1 + 0.1 * rng.standard_normal(h)).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def greedy(path, steps, prompt, out):
    model = Llama(path, dtype=np.float32)
    tokens = list(prompt)
    chosen, margins = [], []
    for _ in range(steps):
        last = model.logits(tokens, last_only=True)[-1]
        order = np.argsort(last)[::-1]
        chosen.append(int(order[0]))
        margins.append(float(last[order[0]] - last[order[1]]))
        tokens.append(int(order[0]))
    with open(out, "w") as f:
        json.dump({"tokens": chosen, "margins": margins}, f)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "write-tiny":
        write_tiny(sys.argv[2], sys.argv[3])
    elif command == "write-bad":
        build_tiny(sys.argv[3], **BAD[sys.argv[2]])
    elif command == "greedy":
        greedy(sys.argv[2], int(sys.argv[3]), [int(t) for t in sys.argv[4:-1]], sys.argv[-1])
    else:
        sys.exit(f"unknown command {command}")
