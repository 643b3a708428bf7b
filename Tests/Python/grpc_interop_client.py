"""grpcio client against a QuantServe QuantServeGRPCHTTP2 server running the test service (test.Echo).

Messages are raw bytes (no serializers). Prints one line per check and exits non-zero on the
first mismatch. Usage: grpc_interop_client.py PORT
"""
import sys
from concurrent import futures

import grpc


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name} {detail}", flush=True)
        sys.exit(1)
    print(f"ok {name}", flush=True)


def main():
    port = int(sys.argv[1])
    channel = grpc.insecure_channel(
        f"127.0.0.1:{port}",
        options=[("grpc.max_receive_message_length", 4 * 1024 * 1024), ("grpc.enable_retries", 0)],
    )

    echo = channel.unary_unary("/test.Echo/Echo")
    response, call = echo.with_call(
        b"hello", metadata=[("echo-text", "plain value"), ("echo-blob-bin", b"\x00\x01\xfe\xff")], timeout=10
    )
    check("unary echo", response == b"hello", repr(response))
    headers = dict(call.initial_metadata())
    trailers = dict(call.trailing_metadata())
    check("text metadata in headers", headers.get("echo-text") == "plain value", repr(headers))
    check("binary metadata in headers", headers.get("echo-blob-bin") == b"\x00\x01\xfe\xff", repr(headers))
    check("text metadata in trailers", trailers.get("echo-text-trailer") == "plain value", repr(trailers))
    check("binary metadata in trailers", trailers.get("echo-blob-trailer-bin") == b"\x00\x01\xfe\xff", repr(trailers))

    try:
        channel.unary_unary("/test.Echo/Fail")(b"5", timeout=10)
        check("failure status", False, "no error")
    except grpc.RpcError as error:
        check("failure code", error.code() == grpc.StatusCode.NOT_FOUND, repr(error.code()))
        check("failure message (percent-decoded UTF-8)", error.details() == "requested failure ✓ 100% (NOT_FOUND)", repr(error.details()))
        trailing = dict(error.trailing_metadata() or ())
        check("failure trailers", trailing.get("failure-detail") == "as asked", repr(trailing))

    try:
        channel.unary_unary("/test.Echo/Missing")(b"x", timeout=10)
        check("unknown method", False, "no error")
    except grpc.RpcError as error:
        check("unknown method is UNIMPLEMENTED", error.code() == grpc.StatusCode.UNIMPLEMENTED, repr(error.code()))

    try:
        channel.unary_unary("/test.Echo/Sleep")(b"5000", timeout=0.2)
        check("deadline", False, "no error")
    except grpc.RpcError as error:
        check("deadline is DEADLINE_EXCEEDED", error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, repr(error.code()))

    expanded = list(channel.unary_stream("/test.Echo/Expand")(b"20", timeout=10))
    check("server streaming", expanded == [str(i).encode() for i in range(20)], repr(expanded[:3]))

    collected = channel.stream_unary("/test.Echo/Collect")(iter([b"ab"] * 10), timeout=10)
    check("client streaming", collected == b"20/10", repr(collected))

    chatted = list(channel.stream_stream("/test.Echo/Chat")(iter([b"x", b"y", b"z"]), timeout=10))
    check("bidirectional streaming", chatted == [b"echo:x", b"echo:y", b"echo:z"], repr(chatted))

    four_mib = 4 * 1024 * 1024
    big = channel.unary_unary("/test.Echo/Big")(str(four_mib).encode(), timeout=30)
    check("4 MiB response", len(big) == four_mib, str(len(big)))
    payload = bytes(i % 251 for i in range(four_mib))
    check("4 MiB request echoed", echo(payload, timeout=30) == payload)

    try:
        echo(bytes(four_mib + 1), timeout=30)
        check("oversized request", False, "no error")
    except grpc.RpcError as error:
        check("oversized request is RESOURCE_EXHAUSTED", error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, repr(error.code()))

    with futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda i: echo(f"call {i}".encode(), timeout=30), range(300)))
    check("300 concurrent calls", results == [f"call {i}".encode() for i in range(300)])

    channel.close()
    print("ALL OK", flush=True)


if __name__ == "__main__":
    main()
