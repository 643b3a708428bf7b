#!/usr/bin/env python3
"""Writes the committed seed corpus, fuzz/corpus/<target>/, from real encodings.

Each seed starts with the control bytes its fuzz target reads first (see the comment at the
top of each target's source). Run with the project venv after scripts/fetch-default-model.sh:

    .venv/bin/python fuzz/make_seeds.py

Seeds are small and meaningful; the fuzzers grow their own working corpora elsewhere.
"""
import json
import os
import shutil
import struct
import sys

import h2.config
import h2.connection
import numpy as np
from safetensors.numpy import save

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Python"))
from interop_stubs import generate_stubs  # noqa: E402

generate_stubs()
import echo_pb2  # noqa: E402
import health_pb2  # noqa: E402
import inference_pb2 as inf  # noqa: E402

CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def grpc_frame(message, flag=0):
    return bytes([flag]) + struct.pack(">I", len(message)) + message


# Request messages, shared by several targets.
REQUESTS = [
    ("embed", inf.EmbedRequest(model=inf.ModelRef(name="minilm", version=1),
                               texts=["Where is my order?", "Café naïve 李雷 ¯\\_(ツ)_/¯"], truncate=True)),
    ("classify", inf.ClassifyRequest(model=inf.ModelRef(name="minilm"), texts=["cancel my order please"], top_k=3)),
    ("tokenize", inf.TokenizeRequest(texts=["Hello, World!", ""])),
    ("list-models", inf.ListModelsRequest(name="minilm")),
    ("load-model", inf.LoadModelRequest(name="minilm", version=2, path="models/minilm/2", serve=True)),
    ("serve-version", inf.ServeVersionRequest(name="minilm", version=1)),
    ("unload-model", inf.UnloadModelRequest(name="minilm", version=1)),
    ("health", health_pb2.HealthCheckRequest(service="inference.v1.Inference")),
    ("echo", echo_pb2.EchoRequest(message="hello", delay_ms=0, fail_with_code=0, count=2, payload=b"\x00\x01\xff")),
]


def protobuf_seeds():
    # The selector byte is the message's index in the target's list (same order as REQUESTS).
    for index, (name, message) in enumerate(REQUESTS):
        write("protobuf-requests", name, bytes([index]) + message.SerializeToString())
    write("protobuf-requests", "embed-empty", bytes([0]))
    # A text with an embedded NUL and one that is not UTF-8 (bytes spliced into the string field).
    write("protobuf-requests", "embed-nul", bytes([0]) + b"\x12\x05a\x00b\x00c")
    write("protobuf-requests", "embed-not-utf8", bytes([0]) + b"\x12\x02\xc3\x28")


def deframer_seeds():
    embed = REQUESTS[0][1].SerializeToString()
    write("grpc-deframer", "one-message", bytes([255, 0]) + grpc_frame(embed))
    write("grpc-deframer", "two-and-partial", bytes([255, 3]) + grpc_frame(b"abc") + grpc_frame(b"") + grpc_frame(b"xyz")[:6])
    write("grpc-deframer", "over-limit", bytes([16, 7]) + grpc_frame(b"x" * 20))
    write("grpc-deframer", "compressed", bytes([255, 1]) + grpc_frame(b"abc", flag=1))
    write("grpc-deframer", "bad-flag", bytes([255, 2]) + grpc_frame(b"") + grpc_frame(b"abc", flag=7))
    write("grpc-deframer", "partial-prefix", bytes([255, 9]) + grpc_frame(b"abcd") + b"\x00\x00")


def http2_client(events):
    """The bytes a client sends after the preface for `events` (a function of an H2Connection)."""
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    events(conn)
    data = conn.data_to_send()
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    assert data.startswith(preface)
    return data[len(preface):]


def grpc_headers(path, extra=()):
    return [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers"), *extra]


def http2_seeds():
    echo = "/fuzz.Echo/Update"
    message = grpc_frame(REQUESTS[-1][1].SerializeToString())

    def echo_call(conn):
        conn.send_headers(1, grpc_headers(echo, [("grpc-timeout", "5S"), ("x-user", "fuzz")]))
        conn.send_data(1, message + message)
        conn.end_stream(1)

    def two_streams_and_reset(conn):
        conn.send_headers(1, grpc_headers(echo))
        conn.send_data(1, message[:7])
        conn.send_headers(3, grpc_headers(echo))
        conn.send_data(3, message)
        conn.reset_stream(1)
        conn.ping(b"12345678")
        conn.increment_flow_control_window(1000)
        conn.end_stream(3)

    def refusals(conn):
        conn.send_headers(1, grpc_headers("/no.Such/Method"), end_stream=True)
        conn.send_headers(3, [(":method", "GET"), (":scheme", "http"), (":path", echo), (":authority", "x")], end_stream=True)
        conn.send_headers(5, grpc_headers(echo, [("grpc-encoding", "gzip")]), end_stream=True)
        conn.send_headers(7, [(":method", "POST"), (":scheme", "http"), (":path", echo), (":authority", "x"),
                              ("content-type", "text/plain")], end_stream=True)
        conn.send_headers(9, grpc_headers(echo, [("grpc-timeout", "bogus")]), end_stream=True)
        conn.send_headers(11, grpc_headers(echo, [("grpc-timeout", "0n")]), end_stream=True)

    def bad_messages(conn):
        conn.send_headers(1, grpc_headers(echo))
        conn.send_data(1, grpc_frame(b"x" * 5000))
        conn.send_headers(3, grpc_headers(echo))
        conn.send_data(3, grpc_frame(b"abc", flag=1), end_stream=True)
        conn.send_headers(5, grpc_headers(echo))
        conn.send_data(5, message[:3], end_stream=True)
        conn.close_connection()

    def slow_call(conn):
        conn.send_headers(1, grpc_headers(echo, [("grpc-timeout", "2S")]))
        conn.send_data(1, message)

    seeds = {
        "echo-call": http2_client(echo_call),
        "two-streams-reset": http2_client(two_streams_and_reset),
        "refusals": http2_client(refusals),
        "bad-messages": http2_client(bad_messages),
        "slow-call": http2_client(slow_call),
    }
    for name, data in seeds.items():
        write("http2-server", name, bytes([1]) + data)  # preface sent, one read
    write("http2-server", "echo-call-cut", bytes([1 | 3 << 1]) + seeds["echo-call"])  # reads of 1...24 bytes
    write("http2-server", "http1", bytes([0]) + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    write("http2-server", "garbage", bytes([0]) + b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")


def safetensors_seeds():
    tensors = {
        "embeddings.word_embeddings.weight": np.arange(12, dtype=np.float32).reshape(4, 3),
        "encoder.layer.0.attention.self.query.weight": np.array([[1, -2], [3, -4]], dtype=np.int8),
        "encoder.layer.0.attention.self.query.bias": np.zeros(2, dtype=np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }
    write("safetensors-header", "small-model", save(tensors, metadata={"format": "pt", "quantserve": "int8"}))
    write("safetensors-header", "no-tensors", save({}))
    with open(os.path.join(ROOT, "models", "minilm", "1", "model.safetensors"), "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = f.read(length)
    # The default model's real header, its data cut: every tensor is out of bounds.
    write("safetensors-header", "minilm-header", struct.pack("<Q", length) + header)


def manifest_seeds():
    with open(os.path.join(ROOT, "models", "minilm", "1", "quantserve.json"), "rb") as f:
        manifest = f.read()
    write("manifest", "minilm", manifest)
    small = json.loads(manifest)
    small["task_head"] = {"intents": [{"label": "greeting", "examples": ["hi", "hello"]}]}
    small["quantization"]["float_layers"] = ["output"]
    small.pop("source", None)
    write("manifest", "small", json.dumps(small).encode())


def tokenizer_seeds():
    texts = {
        "plain": "Where is my order? I was charged twice ($49.99 x2) on 03/14/2024!!",
        "accents": "Café naïve Zoë Émile İstanbul ẞ Ω K Å ǅ ΣΑΣ",
        "cjk": "Hi, this is 李雷. 한국어 각 힣 豈更 丽",
        "combining": "a" + "\u0301" * 40 + "\u0316" * 40 + " é̖ ệ Việt",
        "controls": "\x00\x01\x02 control\tchars\r\n\u200b\ufeff end",
        "special-tokens": "[CLS] hello [SEP] [MASK] [UNK] [PAD]",
        "long-word": "pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
        "emoji": "¯\\_(ツ)_/¯ 👍🏽 👨‍👩‍👧 <3",
        "whitespace": " \t\n\u3000 ",
        "many-tokens": "refund plz " * 200,
    }
    for name, text in texts.items():
        data = text.encode("utf-8")
        write("tokenizer", name, bytes([0]) + data)  # limit 2, no truncation
        write("tokenizer", name + "-truncated", bytes([1 | 3 << 1]) + data)  # limit 16, truncated
    write("tokenizer", "empty", bytes([9]))
    write("tokenizer", "invalid-utf8", bytes([7]) + b"ok \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80")


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    protobuf_seeds()
    deframer_seeds()
    http2_seeds()
    safetensors_seeds()
    manifest_seeds()
    tokenizer_seeds()
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    main()
