"""Generates Python protobuf and grpcio stubs for proto/ into a temporary folder.

Shared by the interop scripts: nothing generated is committed. Each .proto is staged under
its file name alone (health.proto, inference.proto, echo.proto, reflection.proto), so the modules are
`health_pb2`, `inference_pb2`, `echo_pb2`, `reflection_pb2` (+ `_pb2_grpc`) and grpcio's own `grpc` package
is not shadowed by a generated `grpc/health/v1` folder. The protobuf package names (and so
the RPC paths) stay those of the .proto files.
"""
import os
import shutil
import sys
import tempfile

from grpc_tools import protoc

PROTO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "proto"))
PROTOS = [
    "grpc/health/v1/health.proto",
    "inference/v1/inference.proto",
    "testing/v1/echo.proto",
    "grpc/reflection/v1/reflection.proto",
]


def generate_stubs():
    """Compiles every proto into a fresh temporary folder and puts it first on sys.path."""
    out = tempfile.mkdtemp(prefix="quantserve-stubs-")
    staged = []
    for proto in PROTOS:
        name = os.path.basename(proto)
        shutil.copy(os.path.join(PROTO_ROOT, proto), os.path.join(out, name))
        staged.append(name)
    args = ["grpc_tools.protoc", f"-I{out}", f"--python_out={out}", f"--grpc_python_out={out}"] + staged
    if protoc.main(args) != 0:
        raise SystemExit(f"grpc_tools.protoc failed for {PROTOS}")
    sys.path.insert(0, out)
    return out
