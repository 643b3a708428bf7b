"""Message compression with Python grpcio as the client.

Usage: interop_compression.py --port PORT --model NAME

Run by QuantServeTests against `quantserve serve` (with or without --response-compression)
serving model NAME. Calls Embed through channels created with `compression=grpc.Compression.Gzip`
and `Deflate` and with per-call compression, as grpcio's documentation shows, and checks that
the embeddings equal those of an uncompressed channel. Prints `ok NAME` or `FAIL NAME: why` per
case, then a summary line; exits 0 only when every case passed.
"""
import argparse
import sys
import traceback

import grpc

from interop_stubs import generate_stubs

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

TEXTS = ["where is my order?", "I would like a refund for the broken lamp, please."]
# Many repetitive texts: a request that compresses well (tens of KB down to a few).
MANY_TEXTS = [f"my parcel number {i % 7} has not arrived, where is my order?" for i in range(300)]


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def embeddings(response):
    return [list(embedding.values) for embedding in response.embeddings]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", required=True)
    args = parser.parse_args()
    target = f"127.0.0.1:{args.port}"

    with grpc.insecure_channel(target) as plain:
        stub = rpc.InferenceStub(plain)
        reference = embeddings(stub.Embed(pb.EmbedRequest(texts=TEXTS, model=pb.ModelRef(name=args.model)), timeout=30))
        many_reference = embeddings(stub.Embed(pb.EmbedRequest(texts=MANY_TEXTS, model=pb.ModelRef(name=args.model)), timeout=60))
    expect(len(reference) == 2 and len(many_reference) == 300, "the uncompressed reference calls failed")

    def channel_case(compression):
        with grpc.insecure_channel(target, compression=compression) as channel:
            stub = rpc.InferenceStub(channel)
            response = stub.Embed(pb.EmbedRequest(texts=TEXTS, model=pb.ModelRef(name=args.model)), timeout=30)
            expect(response.model.name == args.model, f"served by {response.model.name}")
            expect(embeddings(response) == reference, "embeddings differ from the uncompressed call's")
            many = stub.Embed(pb.EmbedRequest(texts=MANY_TEXTS, model=pb.ModelRef(name=args.model)), timeout=60)
            expect(embeddings(many) == many_reference, "embeddings of the large request differ")

    def per_call_case(compression):
        with grpc.insecure_channel(target) as channel:
            stub = rpc.InferenceStub(channel)
            response = stub.Embed(pb.EmbedRequest(texts=TEXTS, model=pb.ModelRef(name=args.model)), timeout=30, compression=compression)
            expect(embeddings(response) == reference, "embeddings differ from the uncompressed call's")

    cases = [
        ("channel_gzip", lambda: channel_case(grpc.Compression.Gzip)),
        ("channel_deflate", lambda: channel_case(grpc.Compression.Deflate)),
        ("per_call_gzip", lambda: per_call_case(grpc.Compression.Gzip)),
        ("per_call_deflate", lambda: per_call_case(grpc.Compression.Deflate)),
    ]
    failed = 0
    for name, run in cases:
        try:
            run()
            print(f"ok {name}", flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            detail = f"{error.code()} {error.details()!r}" if isinstance(error, grpc.RpcError) else repr(error)
            print(f"FAIL {name}: {detail}", flush=True)
            traceback.print_exc(file=sys.stdout)
    print(f"interop: {len(cases) - failed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
