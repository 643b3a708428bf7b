"""Prints the protobuf encodings Python's protobuf makes of a fixed set of messages.

Run by QuantServeAPITests: each output line is `<case name> <hex encoding>`; the Swift test
builds the same messages with QuantServeAPI and expects byte-identical encodings, and that
it decodes Python's bytes back to the same values.
"""
import sys

from interop_stubs import generate_stubs

generate_stubs()
import echo_pb2  # noqa: E402
import health_pb2  # noqa: E402
import inference_pb2 as inf  # noqa: E402


def cases():
    yield "health_request_empty", health_pb2.HealthCheckRequest()
    yield "health_request_unicode", health_pb2.HealthCheckRequest(service="モデル/ü-é 🚀")
    yield "health_response_not_serving", health_pb2.HealthCheckResponse(
        status=health_pb2.HealthCheckResponse.NOT_SERVING)
    yield "embed_request", inf.EmbedRequest(
        model=inf.ModelRef(name="minilm", version=7), texts=["hello", "", "naïve café"], truncate=True)
    yield "embed_request_control_chars", inf.EmbedRequest(
        texts=["\x00\x01\x02 control chars ...", "a\x00b", "\x00"], truncate=True)
    yield "tokenize_request_after_model", inf.TokenizeRequest(
        model=inf.ModelRef(name="m"), texts=["x\x00"])
    yield "embed_response", inf.EmbedResponse(
        model=inf.ModelRef(name="minilm", version=18446744073709551615),
        embeddings=[inf.Embedding(values=[0.5, -1.25, 0.0009765625, 1048576.0], token_count=4),
                    inf.Embedding(values=[], token_count=0)],
        dimensions=4)
    yield "classify_response", inf.ClassifyResponse(
        model=inf.ModelRef(name="intents", version=1),
        results=[inf.Classification(labels=[inf.LabelScore(label="refund", score=0.875),
                                            inf.LabelScore(label="greeting", score=-0.25)])])
    yield "tokenize_response", inf.TokenizeResponse(
        tokens=[inf.TokenIds(ids=[101, 7592, 2088, 102, 4294967295]), inf.TokenIds(ids=[])])
    yield "list_models_response", inf.ListModelsResponse(models=[inf.ModelStatus(
        name="minilm", serving_version=2, is_default=True,
        versions=[inf.ModelVersionStatus(version=2, state=inf.VERSION_STATE_SERVING, memory_bytes=23000000,
                                         in_flight=3, path="/models/minilm/2"),
                  inf.ModelVersionStatus(version=3, state=inf.VERSION_STATE_FAILED, error="bad checksum")])])
    yield "load_model_request", inf.LoadModelRequest(name="minilm", version=3, path="/tmp/m", serve=True)
    yield "echo_request", echo_pb2.EchoRequest(
        message="ping", delay_ms=250, fail_with_code=14, count=3, payload=bytes(range(256)))
    yield "echo_response", echo_pb2.EchoResponse(message="pong", payload=b"\x00\xff", index=9)


for name, message in cases():
    sys.stdout.write(f"{name} {message.SerializeToString().hex()}\n")
