"""Tiny random BERT models (hidden 32, 2 layers) brought the way a user brings a model: a Hugging
Face folder (config.json, fp32 model.safetensors, vocab.txt) quantized by `quantserve quantize`
into a repository version folder. Different seeds give different weights (and so different
embeddings), which is what a hot swap test needs. Same shapes as Tests/QuantServeTests/TinyModel.swift.
"""
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

HIDDEN, LAYERS, HEADS, INTERMEDIATE, MAX_POSITION = 32, 2, 4, 64, 64
WORDS = ["where", "is", "my", "order", "refund", "please", "cancel", "password", "reset", "hello",
         "world", "the", "a", "parcel", "late", "money", "back", "login", "help", "agent"]
VOCABULARY = (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS + list("abcdefghijklmnopqrstuvwxyz0123456789.,!?#'")
              + [f"##{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"])


def write_hugging_face_folder(folder, seed):
    """config.json, vocab.txt and fp32 model.safetensors of a random tiny BERT into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {"model_type": "bert", "hidden_act": "gelu", "hidden_size": HIDDEN, "num_hidden_layers": LAYERS,
              "num_attention_heads": HEADS, "intermediate_size": INTERMEDIATE, "vocab_size": len(VOCABULARY),
              "max_position_embeddings": MAX_POSITION, "layer_norm_eps": 1e-12, "type_vocab_size": 2}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "vocab.txt").write_text("\n".join(VOCABULARY) + "\n")
    random = np.random.default_rng(seed)
    tensors = {}

    def add(name, shape, scale=0.2, offset=0.0):
        tensors[name] = (offset + scale * random.uniform(-1, 1, size=shape)).astype(np.float32)

    add("embeddings.word_embeddings.weight", (len(VOCABULARY), HIDDEN), scale=1)
    add("embeddings.position_embeddings.weight", (MAX_POSITION, HIDDEN))
    add("embeddings.token_type_embeddings.weight", (2, HIDDEN))
    add("embeddings.LayerNorm.weight", (HIDDEN,), scale=0.1, offset=1)
    add("embeddings.LayerNorm.bias", (HIDDEN,), scale=0.1)
    for layer in range(LAYERS):
        prefix = f"encoder.layer.{layer}."
        for part in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            add(prefix + part + ".weight", (HIDDEN, HIDDEN))
            add(prefix + part + ".bias", (HIDDEN,), scale=0.05)
        add(prefix + "intermediate.dense.weight", (INTERMEDIATE, HIDDEN))
        add(prefix + "intermediate.dense.bias", (INTERMEDIATE,), scale=0.05)
        add(prefix + "output.dense.weight", (HIDDEN, INTERMEDIATE))
        add(prefix + "output.dense.bias", (HIDDEN,), scale=0.05)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            add(prefix + norm + ".weight", (HIDDEN,), scale=0.1, offset=1)
            add(prefix + norm + ".bias", (HIDDEN,), scale=0.1)
    save_file(tensors, str(folder / "model.safetensors"))


def quantize_tiny_model(binary, destination, seed):
    """A tiny model version folder at `destination` (which must not exist), made by `quantserve quantize`."""
    with tempfile.TemporaryDirectory(prefix="tiny-hf-") as source:
        write_hugging_face_folder(source, seed)
        subprocess.run([str(binary), "quantize", "--from", source, "--to", str(destination), "--threads", "1"],
                       check=True, capture_output=True)
    return Path(destination)
