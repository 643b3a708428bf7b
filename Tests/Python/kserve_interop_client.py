"""Interop check of the KServe v2 / Triton service with the official `tritonclient` (its gRPC client).

Usage: kserve_interop_client.py --port PORT --model NAME --dimensions D --spare SPARE --admin-token T

Run by QuantServeTests against a server serving model NAME (an intent classifier, version 1,
embeddings of D dimensions), with model SPARE present in its repository but not loaded, and admin
token T. Every embedding and classification is compared with the native `inference.v1.Inference`
answer for the same texts. Prints `ok NAME` or `FAIL NAME: why` per case, then a summary line;
exits 0 only when every case passed.
"""
import argparse
import struct
import sys
import traceback

import grpc
import numpy as np
import tritonclient.grpc as triton
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from interop_stubs import generate_stubs

generate_stubs()
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

CASES = []
TEXTS = ["where is my order", "refund please", "hello"]


def case(function):
    CASES.append(function)
    return function


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_refusal(function, code, fragment):
    """Runs `function`, which must fail with gRPC status `code` and a message holding `fragment`."""
    try:
        function()
    except InferenceServerException as error:
        status, message = error.status(), error.message()
    except grpc.RpcError as error:
        status, message = str(error.code()), error.details()
    else:
        raise AssertionError(f"expected {code}, the call succeeded")
    expect(status == str(code), f"expected {code}, got {status} ({message!r})")
    expect(fragment in message, f"expected {fragment!r} in the message {message!r}")


def text_input(texts, datatype="BYTES", shape=None):
    tensor = triton.InferInput("TEXT", shape or [len(texts), 1], datatype)
    tensor.set_data_from_numpy(np.array([[t.encode()] for t in texts], dtype=np.object_))
    return tensor


def raw_bytes(elements):
    return b"".join(struct.pack("<I", len(e)) + e for e in elements)


def bytes_contents_request(ctx, texts, outputs=("EMBEDDING",), shape=None):
    """A ModelInferRequest carrying the texts in contents.bytes_contents (not raw_input_contents)."""
    request = service_pb2.ModelInferRequest(model_name=ctx.args.model)
    tensor = request.inputs.add(name="TEXT", datatype="BYTES", shape=shape or [len(texts), 1])
    tensor.contents.bytes_contents.extend(t.encode() for t in texts)
    for name in outputs:
        request.outputs.add(name=name)
    return request


def native_embeddings(ctx, texts):
    response = ctx.inference.Embed(pb.EmbedRequest(model=pb.ModelRef(name=ctx.args.model), texts=texts), timeout=30)
    return np.array([list(e.values) for e in response.embeddings], dtype=np.float32)


@case
def server_live_ready_and_metadata(ctx):
    expect(ctx.client.is_server_live(), "is_server_live() is False")
    expect(ctx.client.is_server_ready(), "is_server_ready() is False")
    metadata = ctx.client.get_server_metadata()
    expect(metadata.name == "quantserve", f"server name {metadata.name!r}")
    expect("model_repository" in metadata.extensions and "statistics" in metadata.extensions, f"{metadata.extensions}")


@case
def model_ready(ctx):
    expect(ctx.client.is_model_ready(ctx.args.model), "the serving version is not ready")
    expect(ctx.client.is_model_ready(ctx.args.model, "1"), "version 1 is not ready")
    expect(not ctx.client.is_model_ready(ctx.args.model, "77"), "version 77 is ready")
    expect(not ctx.client.is_model_ready("no-such-model"), "an unknown model is ready")
    expect(not ctx.client.is_model_ready(ctx.args.spare), "the spare model is ready before it is loaded")


@case
def model_metadata(ctx):
    metadata = ctx.client.get_model_metadata(ctx.args.model)
    expect(metadata.name == ctx.args.model and list(metadata.versions) == ["1"], f"{metadata}")
    inputs = [(t.name, t.datatype, list(t.shape)) for t in metadata.inputs]
    expect(inputs == [("TEXT", "BYTES", [-1, 1])], f"inputs {inputs}")
    outputs = [(t.name, t.datatype, list(t.shape)) for t in metadata.outputs]
    expected = [("EMBEDDING", "FP32", [-1, ctx.args.dimensions]), ("LABEL", "BYTES", [-1, -1]), ("SCORE", "FP32", [-1, -1])]
    expect(outputs == expected, f"outputs {outputs}")
    expect_refusal(lambda: ctx.client.get_model_metadata("no-such-model"), grpc.StatusCode.NOT_FOUND, "no-such-model")


@case
def model_config_has_what_perf_analyzer_reads(ctx):
    config = ctx.client.get_model_config(ctx.args.model).config
    expect(config.name == ctx.args.model and config.platform and config.backend, f"{config}")
    expect(config.max_batch_size == 1024, f"max_batch_size {config.max_batch_size}")
    inputs = [(t.name, t.data_type, list(t.dims)) for t in config.input]
    expect(inputs == [("TEXT", triton.model_config_pb2.TYPE_STRING, [1])], f"inputs {inputs}")
    outputs = [(t.name, t.data_type, list(t.dims)) for t in config.output]
    fp32, string = triton.model_config_pb2.TYPE_FP32, triton.model_config_pb2.TYPE_STRING
    expect(outputs == [("EMBEDDING", fp32, [ctx.args.dimensions]), ("LABEL", string, [-1]), ("SCORE", fp32, [-1])], f"outputs {outputs}")
    as_json = ctx.client.get_model_config(ctx.args.model, as_json=True)
    expect(as_json["config"]["max_batch_size"] == 1024, f"{as_json}")


@case
def infer_raw_bytes_matches_embed(ctx):
    result = ctx.client.infer(ctx.args.model, [text_input(TEXTS)], outputs=[triton.InferRequestedOutput("EMBEDDING")],
                              request_id="req-7")
    embeddings = result.as_numpy("EMBEDDING")
    expect(embeddings.dtype == np.float32 and embeddings.shape == (len(TEXTS), ctx.args.dimensions), f"{embeddings.shape}")
    expect(np.array_equal(embeddings, native_embeddings(ctx, TEXTS)), "ModelInfer and Embed disagree")
    response = result.get_response()
    expect((response.model_name, response.model_version, response.id) == (ctx.args.model, "1", "req-7"), f"{response}")
    ctx.served += 1
    ctx.inferred += len(TEXTS)


@case
def infer_bytes_contents_matches_embed(ctx):
    response = ctx.stub.ModelInfer(bytes_contents_request(ctx, TEXTS), timeout=30)
    expect([(o.name, o.datatype, list(o.shape)) for o in response.outputs] == [("EMBEDDING", "FP32", [len(TEXTS), ctx.args.dimensions])],
           f"{response.outputs}")
    embeddings = np.frombuffer(response.raw_output_contents[0], dtype="<f4").reshape(len(TEXTS), ctx.args.dimensions)
    expect(np.array_equal(embeddings, native_embeddings(ctx, TEXTS)), "ModelInfer (bytes_contents) and Embed disagree")
    ctx.served += 1
    ctx.inferred += len(TEXTS)


@case
def infer_without_outputs_returns_the_embedding(ctx):
    result = ctx.client.infer(ctx.args.model, [text_input(TEXTS[:1])], model_version="1")
    expect([o.name for o in result.get_response().outputs] == ["EMBEDDING"], f"{result.get_response().outputs}")
    ctx.served += 1
    ctx.inferred += 1


@case
def infer_classify_matches_classify(ctx):
    outputs = [triton.InferRequestedOutput("LABEL"), triton.InferRequestedOutput("SCORE")]
    result = ctx.client.infer(ctx.args.model, [text_input(TEXTS)], outputs=outputs, parameters={"top_k": 2})
    labels, scores = result.as_numpy("LABEL"), result.as_numpy("SCORE")
    expect(labels.shape == (len(TEXTS), 2) and scores.shape == (len(TEXTS), 2), f"{labels.shape} {scores.shape}")
    native = ctx.inference.Classify(pb.ClassifyRequest(model=pb.ModelRef(name=ctx.args.model), texts=TEXTS, top_k=2), timeout=30)
    for row, classification in enumerate(native.results):
        expected_labels = [entry.label.encode() for entry in classification.labels]
        expected_scores = np.array([entry.score for entry in classification.labels], dtype=np.float32)
        expect(list(labels[row]) == expected_labels, f"text {row}: labels {list(labels[row])} != {expected_labels}")
        expect(np.array_equal(scores[row], expected_scores), f"text {row}: scores {scores[row]} != {expected_scores}")
    only_scores = ctx.client.infer(ctx.args.model, [text_input(TEXTS[:1])], outputs=[triton.InferRequestedOutput("SCORE")])
    expect(only_scores.as_numpy("SCORE").shape == (1, 1) and only_scores.as_numpy("LABEL") is None, "SCORE alone, top_k 1")
    ctx.served += 2
    ctx.inferred += len(TEXTS) + 1


@case
def bad_inputs_are_invalid_argument(ctx):
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    model = ctx.args.model

    def infer(inputs, outputs=None, **options):
        return lambda: ctx.client.infer(model, inputs, outputs=outputs, **options)

    floats = triton.InferInput("TEXT", [1, 1], "FP32")
    floats.set_data_from_numpy(np.array([[1.0]], dtype=np.float32))
    expect_refusal(infer([floats]), invalid, "must be BYTES")
    wide = triton.InferInput("TEXT", [1, 2], "BYTES")
    wide.set_data_from_numpy(np.array([[b"a", b"b"]], dtype=np.object_))
    expect_refusal(infer([wide]), invalid, "shape")
    other = triton.InferInput("WORDS", [1, 1], "BYTES")
    other.set_data_from_numpy(np.array([[b"a"]], dtype=np.object_))
    expect_refusal(infer([other]), invalid, "no input TEXT")
    expect_refusal(infer([text_input(["a"]), other]), invalid, "unknown input")
    expect_refusal(infer([text_input(["a"])], [triton.InferRequestedOutput("NOPE")]), invalid, "unknown output")
    both = [triton.InferRequestedOutput("EMBEDDING"), triton.InferRequestedOutput("LABEL")]
    expect_refusal(infer([text_input(["a"])], both), invalid, "not both")
    expect_refusal(infer([text_input(["a"])], [triton.InferRequestedOutput("LABEL", class_count=2)]), invalid, "classification")
    expect_refusal(infer([text_input(["a"])], parameters={"top_k": 0}), invalid, "top_k")
    expect_refusal(infer([text_input(["a"])], model_version="v1"), invalid, "version")
    expect_refusal(lambda: ctx.stub.ModelInfer(bytes_contents_request(ctx, ["a", "b", "c"], shape=[2, 1]), timeout=30),
                   invalid, "bytes_contents holds 3")

    def raw_request(raw, count):
        request = service_pb2.ModelInferRequest(model_name=model)
        request.inputs.add(name="TEXT", datatype="BYTES", shape=[count, 1])
        request.raw_input_contents.append(raw)
        return lambda: ctx.stub.ModelInfer(request, timeout=30)

    expect_refusal(raw_request(struct.pack("<I", 100) + b"abc", 1), invalid, "claims 100 bytes but 3 remain")
    expect_refusal(raw_request(struct.pack("<I", 0xFFFFFFFF), 1), invalid, "truncated")
    expect_refusal(raw_request(raw_bytes([b"a", b"b"]) + b"\x01\x00", 3), invalid, "truncated")
    expect_refusal(raw_request(raw_bytes([b"a", b"b"]), 3), invalid, "holds 2 elements but its shape says 3")
    expect_refusal(raw_request(raw_bytes([b"a", b"b"]), 1), invalid, "more than the 1 elements")
    expect_refusal(raw_request(raw_bytes([b"\xff\xfe"]), 1), invalid, "not valid UTF-8")
    expect_refusal(raw_request(raw_bytes([b"a"] * 1025), 1025), invalid, "more than the limit of 1024")
    long_text = " ".join(["hello"] * 200)
    expect_refusal(infer([text_input([long_text])]), invalid, "text 0")
    truncated = ctx.client.infer(model, [text_input([long_text])], parameters={"truncate": True})
    expect(truncated.as_numpy("EMBEDDING").shape == (1, ctx.args.dimensions), "truncate=True embeds a long text")
    ctx.served += 1
    ctx.inferred += 1
    ctx.failed += 17  # every refusal above but the version's, which names no version to count against
    expect_refusal(lambda: ctx.client.infer("no-such-model", [text_input(["a"])]), grpc.StatusCode.NOT_FOUND, "no-such-model")


@case
def oversized_repeated_fields_are_refused_before_decoding(ctx):
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    many_inputs = service_pb2.ModelInferRequest(model_name=ctx.args.model)
    for _ in range(17):
        many_inputs.inputs.add(name="TEXT", datatype="BYTES", shape=[1, 1])
    expect_refusal(lambda: ctx.stub.ModelInfer(many_inputs, timeout=30), invalid, "inputs has more than 16 entries")
    many_parameters = service_pb2.ModelInferRequest(model_name=ctx.args.model)
    for index in range(65):
        many_parameters.parameters[f"p{index}"].int64_param = index
    expect_refusal(lambda: ctx.stub.ModelInfer(many_parameters, timeout=30), invalid, "parameters has more than 64 entries")
    many_elements = bytes_contents_request(ctx, [""] * 1025)
    expect_refusal(lambda: ctx.stub.ModelInfer(many_elements, timeout=30), invalid, "more than 1024 elements")
    floats = service_pb2.ModelInferRequest(model_name=ctx.args.model)
    floats.inputs.add(name="TEXT", datatype="FP32", shape=[1, 1]).contents.fp32_contents.append(1.0)
    expect_refusal(lambda: ctx.stub.ModelInfer(floats, timeout=30), invalid, "use bytes_contents")
    wide = service_pb2.ModelInferRequest(model_name=ctx.args.model)
    wide.inputs.add(name="TEXT", datatype="BYTES", shape=[1] * 17)
    expect_refusal(lambda: ctx.stub.ModelInfer(wide, timeout=30), invalid, "more than 16 dimensions")


@case
def unimplemented_methods_say_so(ctx):
    expect_refusal(lambda: ctx.client.get_system_shared_memory_status(), grpc.StatusCode.UNIMPLEMENTED,
                   "does not implement SystemSharedMemoryStatus")
    expect_refusal(lambda: ctx.client.get_log_settings(), grpc.StatusCode.UNIMPLEMENTED, "LogSettings")


@case
def statistics_count_what_was_served(ctx):
    stats = ctx.client.get_inference_statistics(ctx.args.model).model_stats
    expect([(s.name, s.version) for s in stats] == [(ctx.args.model, "1")], f"{stats}")
    s = stats[0]
    expect(s.inference_count == ctx.inferred, f"inference_count {s.inference_count}, expected {ctx.inferred}")
    expect(s.execution_count == ctx.served, f"execution_count {s.execution_count}, expected {ctx.served}")
    infer_stats = s.inference_stats
    expect(infer_stats.success.count == ctx.served and infer_stats.success.ns > 0, f"success {infer_stats.success}")
    expect(infer_stats.fail.count == ctx.failed and infer_stats.fail.ns > 0, f"fail {infer_stats.fail}, expected {ctx.failed}")
    expect(infer_stats.compute_infer.count == ctx.served and infer_stats.compute_infer.ns > 0, f"compute_infer {infer_stats.compute_infer}")
    expect(infer_stats.queue.count == ctx.served, f"queue {infer_stats.queue}")
    expect(s.last_inference > 0, "last_inference is 0")
    everything = ctx.client.get_inference_statistics().model_stats
    expect(any(entry.name == ctx.args.model for entry in everything), f"{everything}")
    expect_refusal(lambda: ctx.client.get_inference_statistics("no-such-model"), grpc.StatusCode.NOT_FOUND, "no-such-model")
    expect_refusal(lambda: ctx.client.get_inference_statistics(ctx.args.model, "9"), grpc.StatusCode.NOT_FOUND, "no version 9")
    expect_refusal(lambda: ctx.client.get_inference_statistics("", "9"), grpc.StatusCode.NOT_FOUND, "no model has a ready version 9")


@case
def repository_load_and_unload_need_the_admin_token(ctx):
    spare = ctx.args.spare
    admin = {"authorization": f"Bearer {ctx.args.admin_token}"}
    expect_refusal(lambda: ctx.client.get_model_repository_index(), grpc.StatusCode.UNAUTHENTICATED, "authorization")
    expect_refusal(lambda: ctx.client.load_model(spare), grpc.StatusCode.UNAUTHENTICATED, "authorization")
    expect_refusal(lambda: ctx.client.load_model(spare, headers={"authorization": "Bearer wrong"}),
                   grpc.StatusCode.PERMISSION_DENIED, "not valid")
    index = {(m.name, m.version): m.state for m in ctx.client.get_model_repository_index(headers=admin).models}
    expect(index == {(ctx.args.model, "1"): "READY", (spare, ""): "UNAVAILABLE"}, f"index {index}")

    ctx.client.load_model(spare, headers=admin)
    expect(ctx.client.is_model_ready(spare), "the spare model is not ready after load_model")
    result = ctx.client.infer(spare, [text_input(TEXTS[:1])])
    expect(result.get_response().model_version == "1", f"{result.get_response()}")
    ready = ctx.stub.RepositoryIndex(service_pb2.RepositoryIndexRequest(ready=True), metadata=list(admin.items()), timeout=30)
    index = {(m.name, m.version): m.state for m in ready.models}
    expect(index == {(ctx.args.model, "1"): "READY", (spare, "1"): "READY"}, f"ready index {index}")

    ctx.client.unload_model(spare, headers=admin)
    expect(not ctx.client.is_model_ready(spare), "the spare model is ready after unload_model")
    expect_refusal(lambda: ctx.client.infer(spare, [text_input(["a"])]), grpc.StatusCode.UNAVAILABLE, "no serving version")
    expect_refusal(lambda: ctx.client.load_model("no-such-model", headers=admin), grpc.StatusCode.NOT_FOUND, "no complete version")
    expect_refusal(lambda: ctx.client.load_model(spare, headers=admin, config='{"max_batch_size": 8}'),
                   grpc.StatusCode.INVALID_ARGUMENT, "not supported")
    expect_refusal(lambda: ctx.client.load_model("../escape", headers=admin), grpc.StatusCode.INVALID_ARGUMENT, "escape")


class Context:
    def __init__(self, args, channel):
        self.args = args
        self.client = triton.InferenceServerClient(f"127.0.0.1:{args.port}")
        self.stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
        self.inference = rpc.InferenceStub(channel)
        self.served = 0
        self.inferred = 0
        self.failed = 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--dimensions", type=int, required=True)
    parser.add_argument("--spare", required=True)
    parser.add_argument("--admin-token", required=True)
    args = parser.parse_args()
    failed = 0
    with grpc.insecure_channel(f"127.0.0.1:{args.port}") as channel:
        context = Context(args, channel)
        for function in CASES:
            try:
                function(context)
                print(f"ok {function.__name__}", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the run
                failed += 1
                detail = str(error) or traceback.format_exc(limit=2)
                print(f"FAIL {function.__name__}: {detail}", flush=True)
        context.client.close()
    print(f"kserve interop: {len(CASES) - failed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
