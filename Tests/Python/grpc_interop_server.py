"""grpcio server offering the test service (test.Echo) with raw-bytes messages, for checking
the QuantServe QuantServeGRPCHTTP2 client against another gRPC stack. Prints its port, then serves
until stdin closes. Usage: grpc_interop_server.py
"""
import sys
import time
from concurrent import futures

import grpc


def echo(request, context):
    headers = []
    trailers = []
    for key, value in context.invocation_metadata():
        if key.startswith("echo-"):
            headers.append((key, value))
            if key.endswith("-bin"):
                trailers.append((key[:-4] + "-trailer-bin", value))
            else:
                trailers.append((key + "-trailer", value))
    context.send_initial_metadata(headers)
    context.set_trailing_metadata(trailers)
    return request


def fail(request, context):
    code = {5: grpc.StatusCode.NOT_FOUND, 3: grpc.StatusCode.INVALID_ARGUMENT}.get(int(request or b"2"), grpc.StatusCode.UNKNOWN)
    context.set_trailing_metadata([("failure-detail", "as asked")])
    context.abort(code, f"requested failure ✓ 100% ({code.name})")


def sleep(request, context):
    deadline = time.monotonic() + int(request) / 1000
    while time.monotonic() < deadline and context.is_active():
        time.sleep(0.01)
    return b"slept"


def expand(request, context):
    for index in range(int(request)):
        yield str(index).encode()


def collect(requests, context):
    count = 0
    size = 0
    for request in requests:
        count += 1
        size += len(request)
    return f"{size}/{count}".encode()


def chat(requests, context):
    for request in requests:
        yield b"echo:" + request


HANDLERS = {
    "/test.Echo/Echo": grpc.unary_unary_rpc_method_handler(echo),
    "/test.Echo/Fail": grpc.unary_unary_rpc_method_handler(fail),
    "/test.Echo/Sleep": grpc.unary_unary_rpc_method_handler(sleep),
    "/test.Echo/Expand": grpc.unary_stream_rpc_method_handler(expand),
    "/test.Echo/Collect": grpc.stream_unary_rpc_method_handler(collect),
    "/test.Echo/Chat": grpc.stream_stream_rpc_method_handler(chat),
}


class Handler(grpc.GenericRpcHandler):
    def service(self, handler_call_details):
        return HANDLERS.get(handler_call_details.method)


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))
    server.add_generic_rpc_handlers((Handler(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(grace=None)


if __name__ == "__main__":
    main()
