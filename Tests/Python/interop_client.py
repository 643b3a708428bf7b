"""Interop check of a QuantServe server with Python grpcio as the client.

Usage: interop_client.py --port PORT [--watched-service NAME]

Run by QuantServeTests against a server with the Health and Echo services. Stubs are
generated at run time from proto/ (see interop_stubs.py). Prints one line per case, `ok NAME`
or `FAIL NAME: why`, then a summary; exits 0 only when every case passed.

For the Watch case it watches --watched-service, prints `WATCHING NAME` once it has seen
SERVICE_UNKNOWN, and expects the test driving it to set that service SERVING.
"""
import argparse
import sys
import traceback

import grpc

from interop_stubs import generate_stubs

generate_stubs()
import echo_pb2  # noqa: E402
import echo_pb2_grpc  # noqa: E402
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402

# Every call's deadline is a failure detector, not a measurement: a minute, far beyond what a
# loaded machine running the Swift tests in parallel needs.
CALL_TIMEOUT = 60

CASES = []


def case(function):
    CASES.append(function)
    return function


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_status(function, code, details=None):
    try:
        function()
    except grpc.RpcError as error:
        expect(error.code() == code, f"expected {code}, got {error.code()} ({error.details()!r})")
        if details is not None:
            expect(error.details() == details, f"expected details {details!r}, got {error.details()!r}")
        return error
    raise AssertionError(f"expected {code}, the call succeeded")


@case
def health_check(ctx):
    response = ctx.health.Check(health_pb2.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
    expect(response.status == health_pb2.HealthCheckResponse.SERVING, f"status {response.status}")


@case
def health_check_unknown_service(ctx):
    expect_status(lambda: ctx.health.Check(health_pb2.HealthCheckRequest(service="no-such-service"), timeout=CALL_TIMEOUT),
                  grpc.StatusCode.NOT_FOUND)


@case
def health_watch(ctx):
    server = ctx.health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
    first = next(server)
    expect(first.status == health_pb2.HealthCheckResponse.SERVING, f"server status {first.status}")
    server.cancel()

    watched = ctx.health.Watch(health_pb2.HealthCheckRequest(service=ctx.watched_service), timeout=CALL_TIMEOUT)
    first = next(watched)
    expect(first.status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN, f"first watched status {first.status}")
    print(f"WATCHING {ctx.watched_service}", flush=True)
    second = next(watched)
    expect(second.status == health_pb2.HealthCheckResponse.SERVING, f"second watched status {second.status}")
    watched.cancel()
    expect(watched.code() == grpc.StatusCode.CANCELLED, f"cancelled watch ended with {watched.code()}")


@case
def echo_unary(ctx):
    payload = bytes(range(256)) * 64
    response = ctx.echo.Get(echo_pb2.EchoRequest(message="héllo ✓", payload=payload), timeout=CALL_TIMEOUT)
    expect(response.message == "héllo ✓" and response.payload == payload, "echo mismatch")


@case
def echo_server_streaming(ctx):
    responses = list(ctx.echo.Expand(echo_pb2.EchoRequest(message="m", count=5), timeout=CALL_TIMEOUT))
    expect([r.index for r in responses] == [0, 1, 2, 3, 4], f"indexes {[r.index for r in responses]}")


@case
def echo_client_streaming(ctx):
    requests = (echo_pb2.EchoRequest(message=word) for word in ["a", "b", "c"])
    response = ctx.echo.Collect(requests, timeout=CALL_TIMEOUT)
    expect(response.message == "a b c" and response.index == 3, f"collected {response.message!r} {response.index}")


@case
def echo_bidirectional_streaming(ctx):
    requests = (echo_pb2.EchoRequest(message=str(i)) for i in range(4))
    responses = list(ctx.echo.Update(requests, timeout=CALL_TIMEOUT))
    expect([(r.message, r.index) for r in responses] == [("0", 0), ("1", 1), ("2", 2), ("3", 3)], "bidi mismatch")


@case
def echo_deadline_exceeded(ctx):
    # A ten-minute delay under a 0.3 s deadline: only the deadline can end it in time for the
    # Swift test's limit.
    expect_status(lambda: ctx.echo.Get(echo_pb2.EchoRequest(delay_ms=600_000), timeout=0.3),
                  grpc.StatusCode.DEADLINE_EXCEEDED)


@case
def echo_cancellation(ctx):
    # Cancelled at once: whether or not the call reached the server yet, it must end CANCELLED
    # (the streaming call below is cancelled once its first response proved it in flight).
    future = ctx.echo.Get.future(echo_pb2.EchoRequest(delay_ms=5000), timeout=CALL_TIMEOUT)
    expect(future.cancel(), "could not cancel the unary call")
    expect(future.cancelled(), "the unary call is not cancelled")

    stream = ctx.echo.Expand(echo_pb2.EchoRequest(count=1000, delay_ms=20), timeout=CALL_TIMEOUT)
    expect(next(stream).index == 0, "first streamed response")
    stream.cancel()
    expect(stream.code() == grpc.StatusCode.CANCELLED, f"cancelled stream ended with {stream.code()}")
    # The connection still serves calls after the cancellations.
    expect(ctx.echo.Get(echo_pb2.EchoRequest(message="after"), timeout=CALL_TIMEOUT).message == "after", "call after cancel")


@case
def echo_metadata_both_directions(ctx):
    metadata = (("x-grpc-test-echo-initial", "initial value"), ("x-grpc-test-echo-trailing-bin", b"\x00\x01\xfe\xff"))
    response, call = ctx.echo.Get.with_call(echo_pb2.EchoRequest(message="md"), metadata=metadata, timeout=CALL_TIMEOUT)
    expect(response.message == "md", "response")
    initial = dict(call.initial_metadata())
    trailing = dict(call.trailing_metadata())
    expect(initial.get("x-grpc-test-echo-initial") == "initial value", f"initial metadata {initial}")
    expect(trailing.get("x-grpc-test-echo-trailing-bin") == b"\x00\x01\xfe\xff", f"trailing metadata {trailing}")

    error = expect_status(
        lambda: ctx.echo.Get(echo_pb2.EchoRequest(message="fails", fail_with_code=9), metadata=metadata, timeout=CALL_TIMEOUT),
        grpc.StatusCode.FAILED_PRECONDITION, "fails")
    trailing = dict(error.trailing_metadata())
    expect(trailing.get("x-grpc-test-echo-trailing-bin") == b"\x00\x01\xfe\xff", f"error trailing metadata {trailing}")


@case
def every_status_code(ctx):
    for code in grpc.StatusCode:
        if code == grpc.StatusCode.OK:
            continue
        number = code.value[0]
        details = f"failure {code.name}: 100% ünïcode ✓"
        expect_status(lambda: ctx.echo.Get(echo_pb2.EchoRequest(message=details, fail_with_code=number), timeout=CALL_TIMEOUT),
                      code, details)


@case
def unknown_method_is_unimplemented(ctx):
    method = ctx.channel.unary_unary("/testing.v1.Echo/NoSuchMethod",
                                     request_serializer=echo_pb2.EchoRequest.SerializeToString,
                                     response_deserializer=echo_pb2.EchoResponse.FromString)
    expect_status(lambda: method(echo_pb2.EchoRequest(), timeout=CALL_TIMEOUT), grpc.StatusCode.UNIMPLEMENTED)


class Context:
    def __init__(self, channel, watched_service):
        self.channel = channel
        self.health = health_pb2_grpc.HealthStub(channel)
        self.echo = echo_pb2_grpc.EchoStub(channel)
        self.watched_service = watched_service


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--watched-service", default="interop-watched")
    args = parser.parse_args()
    failed = 0
    with grpc.insecure_channel(f"127.0.0.1:{args.port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=CALL_TIMEOUT)
        context = Context(channel, args.watched_service)
        for function in CASES:
            try:
                function(context)
                print(f"ok {function.__name__}", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the run
                failed += 1
                detail = str(error) or traceback.format_exc(limit=2)
                print(f"FAIL {function.__name__}: {detail}", flush=True)
    print(f"interop: {len(CASES) - failed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
