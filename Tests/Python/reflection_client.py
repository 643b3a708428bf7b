"""Interop check of server reflection with Python grpcio as the client.

Usage: reflection_client.py --port PORT --dimensions D

Run by QuantServeTests against a server serving a default embedding model of D dimensions,
without the Echo service. v1alpha through grpcio-reflection's ProtoReflectionDescriptorDatabase
(a descriptor pool built from the server alone, then a real Embed call made with its dynamic
messages); v1 through stubs generated from proto/grpc/reflection/v1/reflection.proto. Prints
`ok NAME` or `FAIL NAME: why` per case, then a summary line; exits 0 only when every case passed.
"""
import argparse
import sys
import traceback

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from interop_stubs import generate_stubs

generate_stubs()
import reflection_pb2 as v1  # noqa: E402
import reflection_pb2_grpc as v1_rpc  # noqa: E402

SERVED = ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
          "inference.GRPCInferenceService", "inference.v1.Inference", "inference.v1.ModelRegistry"]
CASES = []


def case(function):
    CASES.append(function)
    return function


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def ask_v1(channel, *requests):
    """Sends every request on one v1 stream; returns the responses in order."""
    return list(v1_rpc.ServerReflectionStub(channel).ServerReflectionInfo(iter(requests), timeout=10))


@case
def v1alpha_descriptor_database_lists_and_describes(channel, args):
    database = ProtoReflectionDescriptorDatabase(channel)
    services = sorted(database.get_services())
    expect(services == SERVED, f"services {services}")
    pool = descriptor_pool.DescriptorPool(database)
    inference = pool.FindServiceByName("inference.v1.Inference")
    methods = {m.name: (m.input_type.full_name, m.output_type.full_name) for m in inference.methods}
    expect(methods["Embed"] == ("inference.v1.EmbedRequest", "inference.v1.EmbedResponse"), f"methods {methods}")
    expect(set(methods) == {"Embed", "Classify", "Tokenize", "Answer", "Generate"}, f"methods {methods}")
    state = pool.FindEnumTypeByName("inference.v1.VersionState")
    expect(len(state.values) >= 2, f"enum values {[v.name for v in state.values]}")


@case
def embed_call_with_messages_learned_by_reflection(channel, args):
    pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
    request_type = message_factory.GetMessageClass(pool.FindMessageTypeByName("inference.v1.EmbedRequest"))
    response_type = message_factory.GetMessageClass(pool.FindMessageTypeByName("inference.v1.EmbedResponse"))
    embed = channel.unary_unary("/inference.v1.Inference/Embed", request_serializer=request_type.SerializeToString,
                                response_deserializer=response_type.FromString)
    response = embed(request_type(texts=["where is my order", "refund please"]), timeout=10)
    expect(response.dimensions == args.dimensions, f"dimensions {response.dimensions}")
    expect([len(e.values) for e in response.embeddings] == [args.dimensions] * 2, f"{response}")


@case
def v1_answers_every_request_kind_on_one_stream(channel, args):
    answers = ask_v1(
        channel,
        v1.ServerReflectionRequest(list_services=""),
        v1.ServerReflectionRequest(file_containing_symbol="inference.v1.Inference.Classify"),
        v1.ServerReflectionRequest(file_by_filename="testing/v1/echo.proto"),
        v1.ServerReflectionRequest(all_extension_numbers_of_type="inference.v1.EmbedRequest"),
        v1.ServerReflectionRequest(file_containing_extension=v1.ExtensionRequest(containing_type="inference.v1.EmbedRequest",
                                                                                  extension_number=7)),
    )
    expect([a.WhichOneof("message_response") for a in answers] == [
        "list_services_response", "file_descriptor_response", "error_response", "all_extension_numbers_response",
        "error_response"], f"{answers}")
    expect(sorted(s.name for s in answers[0].list_services_response.service) == SERVED, f"{answers[0]}")
    files = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in answers[1].file_descriptor_response.file_descriptor_proto]
    expect([f.name for f in files] == ["inference/v1/inference.proto"], f"files {[f.name for f in files]}")
    expect(answers[1].original_request.file_containing_symbol == "inference.v1.Inference.Classify", f"{answers[1]}")
    expect(answers[2].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], f"{answers[2]}")
    expect("testing/v1/echo.proto" in answers[2].error_response.error_message, f"{answers[2]}")
    expect(answers[3].all_extension_numbers_response.base_type_name == "inference.v1.EmbedRequest", f"{answers[3]}")
    expect(list(answers[3].all_extension_numbers_response.extension_number) == [], f"{answers[3]}")
    expect(answers[4].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], f"{answers[4]}")


@case
def v1_descriptors_build_a_pool(channel, args):
    [answer] = ask_v1(channel, v1.ServerReflectionRequest(file_containing_symbol="grpc.reflection.v1.ServerReflection"))
    pool = descriptor_pool.DescriptorPool()
    for serialized in answer.file_descriptor_response.file_descriptor_proto:
        pool.Add(descriptor_pb2.FileDescriptorProto.FromString(serialized))
    method = pool.FindMethodByName("grpc.reflection.v1.ServerReflection.ServerReflectionInfo")
    expect(method.client_streaming and method.server_streaming, "ServerReflectionInfo streams both ways")
    expect(method.input_type.full_name == "grpc.reflection.v1.ServerReflectionRequest", method.input_type.full_name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dimensions", type=int, required=True)
    args = parser.parse_args()
    passed = failed = 0
    with grpc.insecure_channel(f"127.0.0.1:{args.port}") as channel:
        for function in CASES:
            try:
                function(channel, args)
                print(f"ok {function.__name__}", flush=True)
                passed += 1
            except Exception as error:  # noqa: BLE001 - every failure is reported, then counted
                print(f"FAIL {function.__name__}: {error}\n{traceback.format_exc()}", flush=True)
                failed += 1
    print(f"reflection: {passed} passed, {failed} failed", flush=True)
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
