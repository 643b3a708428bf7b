"""Writes the gRPC request bodies h2load sends (length-prefixed messages), one customer-service
text each: inference.v1.Inference/Embed and KServe inference.GRPCInferenceService/ModelInfer
(TEXT as raw BYTES, EMBEDDING out). Each body is first sent once through grpcio and must get OK,
since h2load sees only the HTTP status (200) and not grpc-status.

    grpc_bodies.py HOST:PORT MODEL TEXT OUT_DIR
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Python"))
from interop_stubs import generate_stubs  # noqa: E402

generate_stubs()
import grpc  # noqa: E402
import inference_pb2  # noqa: E402
from tritonclient.grpc import service_pb2  # noqa: E402

target, model, text, out = sys.argv[1:5]
data = text.encode()
embed = inference_pb2.EmbedRequest(model=inference_pb2.ModelRef(name=model), texts=[text], truncate=True)
infer = service_pb2.ModelInferRequest(model_name=model)
tensor = infer.inputs.add(name="TEXT", datatype="BYTES", shape=[1, 1])
infer.outputs.add(name="EMBEDDING")
infer.raw_input_contents.append(struct.pack("<I", len(data)) + data)
channel = grpc.insecure_channel(target)
for name, path, message in [("embed", "/inference.v1.Inference/Embed", embed),
                            ("modelinfer", "/inference.GRPCInferenceService/ModelInfer", infer)]:
    payload = message.SerializeToString()
    channel.unary_unary(path, request_serializer=None, response_deserializer=None)(payload, timeout=30)  # raises unless OK
    with open(os.path.join(out, name + ".body"), "wb") as file:
        file.write(b"\x00" + struct.pack(">I", len(payload)) + payload)
    print(path)
