"""Interop check of the OpenAI-compatible HTTP API with the official `openai` client.

Usage: interop_openai.py --http-port PORT --grpc-port PORT --model NAME --dimensions D

Run by QuantServeTests against a server serving model NAME (D-dimensional embeddings) on both
ports. Every embedding the openai client gets, in both encodings, is compared with the gRPC
Embed of the same texts. Prints `ok NAME` or `FAIL NAME: why` per case, then a summary line;
exits 0 only when every case passed.
"""
import argparse
import sys
import traceback

import json
import urllib.error
import urllib.request

import grpc
import numpy as np
import openai
from openai import OpenAI

from interop_stubs import generate_stubs

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

CASES = []
TEXTS = ["where is my order", "refund please", "hello world", "help login"]


def case(function):
    CASES.append(function)
    return function


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def grpc_embeddings(ctx, texts):
    response = ctx.inference.Embed(pb.EmbedRequest(model=pb.ModelRef(name=ctx.args.model), texts=texts), timeout=30)
    return [np.array(e.values, dtype=np.float32) for e in response.embeddings], [e.token_count for e in response.embeddings]


def expect_same_as_grpc(ctx, texts, vectors):
    expected, _ = grpc_embeddings(ctx, texts)
    expect(len(vectors) == len(expected), f"{len(vectors)} embeddings for {len(texts)} texts")
    for index, (got, want) in enumerate(zip(vectors, expected)):
        got = np.asarray(got, dtype=np.float32)
        expect(got.shape == (ctx.args.dimensions,), f"embedding {index} has shape {got.shape}")
        expect(np.array_equal(got, want), f"embedding {index} differs from gRPC Embed: max |diff| {np.abs(got - want).max()}")
        cosine = float(np.dot(got, want) / (np.linalg.norm(got) * np.linalg.norm(want)))
        expect(abs(cosine - 1) < 1e-6, f"embedding {index}: cosine {cosine} with gRPC Embed")


@case
def float_list_input_matches_grpc(ctx):
    response = ctx.client.embeddings.create(model=ctx.args.model, input=TEXTS, encoding_format="float")
    expect(response.object == "list", f"object {response.object!r}")
    expect(response.model == ctx.args.model, f"model {response.model!r}")
    expect([d.index for d in response.data] == list(range(len(TEXTS))), "indices out of order")
    expect(all(d.object == "embedding" for d in response.data), "an item is not an 'embedding'")
    expect_same_as_grpc(ctx, TEXTS, [d.embedding for d in response.data])
    _, counts = grpc_embeddings(ctx, TEXTS)
    expect(response.usage.prompt_tokens == sum(counts), f"prompt_tokens {response.usage.prompt_tokens}, gRPC counts {counts}")
    expect(response.usage.total_tokens == sum(counts), f"total_tokens {response.usage.total_tokens}")


@case
def base64_single_string_matches_grpc(ctx):
    raw = ctx.client.embeddings.with_raw_response.create(model=ctx.args.model, input=TEXTS[0], encoding_format="base64")
    body = raw.http_response.json()
    import base64
    vector = np.frombuffer(base64.b64decode(body["data"][0]["embedding"]), dtype="<f4")
    expect_same_as_grpc(ctx, [TEXTS[0]], [vector])
    parsed = raw.parse()
    expect(len(parsed.data) == 1, f"{len(parsed.data)} embeddings for one string")


@case
def client_default_encoding_matches_grpc(ctx):
    # The client asks for base64 when no encoding is given and decodes it itself.
    response = ctx.client.embeddings.create(model=ctx.args.model, input=TEXTS[1:3])
    expect_same_as_grpc(ctx, TEXTS[1:3], [d.embedding for d in response.data])


@case
def dimensions_equal_to_the_model_are_accepted(ctx):
    response = ctx.client.embeddings.create(model=ctx.args.model, input="hello", dimensions=ctx.args.dimensions)
    expect(len(response.data[0].embedding) == ctx.args.dimensions, "wrong length")


@case
def other_dimensions_are_a_bad_request(ctx):
    try:
        ctx.client.embeddings.create(model=ctx.args.model, input="hello", dimensions=ctx.args.dimensions // 2)
    except openai.BadRequestError as error:
        expect(error.status_code == 400, f"status {error.status_code}")
        expect(error.body["param"] == "dimensions", f"param {error.body.get('param')!r}")
        expect(str(ctx.args.dimensions) in error.body["message"], error.body["message"])
        return
    raise AssertionError("the request succeeded")


@case
def unknown_model_is_not_found(ctx):
    try:
        ctx.client.embeddings.create(model="no-such-model", input="hello")
    except openai.NotFoundError as error:
        expect(error.code == "model_not_found", f"code {error.code!r}")
        expect("no-such-model" in error.message, error.message)
        return
    raise AssertionError("the request succeeded")


@case
def token_arrays_are_a_bad_request(ctx):
    try:
        ctx.client.embeddings.create(model=ctx.args.model, input=[[1, 2, 3]])
    except openai.BadRequestError as error:
        expect(error.body["param"] == "input" and "token-array" in error.body["message"], str(error.body))
        return
    raise AssertionError("the request succeeded")


@case
def models_are_listed(ctx):
    models = ctx.client.models.list()
    ids = [m.id for m in models.data]
    expect(ctx.args.model in ids, f"models {ids}")
    expect(all(m.object == "model" and m.created > 0 for m in models.data), str(models.data))


@case
def health_answers(ctx):
    status, body = http(ctx, "GET", "/health")
    expect(status == 200, f"status {status}")
    expect(body["status"] == "ok" and ctx.args.model in body["models"], str(body))


@case
def hostile_json_gets_400_in_openai_shape(ctx):
    for body in ["[" * 100000, '{"model": "x", "input": ', '{"input": "x"}', '{"model": 7, "input": "x"}']:
        status, answer = http(ctx, "POST", "/v1/embeddings", body)
        expect(status == 400, f"{body[:30]!r}: status {status}")
        error = answer["error"]
        expect(error["type"] == "invalid_request_error" and error["message"], f"{body[:30]!r}: {error}")


def http(ctx, method, path, body=None):
    """(status, parsed JSON body) of a plain HTTP request, for what the openai client cannot send."""
    request = urllib.request.Request(f"http://127.0.0.1:{ctx.args.http_port}{path}", method=method,
                                     data=body.encode() if body is not None else None,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@case
def oversized_body_gets_413_in_openai_shape(ctx):
    body = '{"model": "%s", "input": "%s"}' % (ctx.args.model, "a" * (5 * 1024 * 1024))
    status, answer = http(ctx, "POST", "/v1/embeddings", body)
    expect(status == 413, f"status {status}")
    expect("larger than the limit" in answer["error"]["message"], str(answer))


class Context:
    def __init__(self, args):
        self.args = args
        self.client = OpenAI(base_url=f"http://127.0.0.1:{args.http_port}/v1", api_key="unused", max_retries=0)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{args.grpc_port}")
        self.inference = rpc.InferenceStub(self.channel)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--grpc-port", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--dimensions", type=int, required=True)
    args = parser.parse_args()
    ctx = Context(args)
    passed = failed = 0
    for function in CASES:
        try:
            function(ctx)
            print(f"ok {function.__name__}", flush=True)
            passed += 1
        except Exception as error:  # noqa: BLE001 - every failure is reported, then the next case runs
            print(f"FAIL {function.__name__}: {error}", flush=True)
            traceback.print_exc(file=sys.stdout)
            failed += 1
    print(f"interop_openai: {passed} passed, {failed} failed (openai {openai.__version__})", flush=True)
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
