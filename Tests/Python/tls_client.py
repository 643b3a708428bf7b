"""TLS checks of a QuantServe server with Python as the client.

Usage:
  tls_client.py grpcio --port P --ca CA.pem [--cert C.pem --key C.key] [--expect-refused]
      grpcio over grpc.ssl_channel_credentials: an Embed and a health Check succeed, or with
      --expect-refused, both fail with UNAVAILABLE (a server requiring a client certificate).
  tls_client.py silent-tcp --port P
      opens TCP and sends nothing (no TLS handshake); passes when the server closes it.
  tls_client.py no-alpn --port P --ca CA.pem
      completes a TLS handshake offering no ALPN protocol; passes when the server closes it.

Prints `ok NAME` or `FAIL NAME: why` per case, then `tls: N passed, N failed`; exits 0 only
when every case passed. Every wait is bounded by a socket or RPC timeout.
"""
import argparse
import socket
import ssl
import sys

import grpc

from interop_stubs import generate_stubs

generate_stubs()
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402
import inference_pb2 as pb  # noqa: E402
import inference_pb2_grpc as rpc  # noqa: E402

WAIT_SECONDS = 30


def read(path):
    with open(path, "rb") as file:
        return file.read()


def grpcio_cases(args):
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),
        private_key=read(args.key) if args.key else None,
        certificate_chain=read(args.cert) if args.cert else None,
    )
    channel = grpc.secure_channel(f"localhost:{args.port}", credentials)
    inference = rpc.InferenceStub(channel)
    health = health_pb2_grpc.HealthStub(channel)

    def embed():
        response = inference.Embed(pb.EmbedRequest(texts=["hello over tls"]), timeout=WAIT_SECONDS)
        assert len(response.embeddings) == 1 and response.dimensions > 0, f"{response}"

    def health_check():
        response = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=WAIT_SECONDS)
        assert response.status == health_pb2.HealthCheckResponse.SERVING, f"status {response.status}"

    cases = [("embed", embed), ("health_check", health_check)]
    if not args.expect_refused:
        return cases

    def refused(call):
        def case():
            try:
                call()
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.UNAVAILABLE, f"{error.code()}: {error.details()}"
                return
            raise AssertionError("the call succeeded without a client certificate")
        return case

    return [(f"{name}_refused", refused(call)) for name, call in cases]


def expect_closed(sock):
    """Reads until the server closes the connection (whatever it wrote first, such as its
    HTTP/2 SETTINGS); fails when it stays open for WAIT_SECONDS."""
    sock.settimeout(WAIT_SECONDS)
    for _ in range(1000):
        try:
            if sock.recv(4096) == b"":
                return
        except (ConnectionResetError, ssl.SSLError):
            return
        except socket.timeout:
            raise AssertionError(f"the server kept the connection open for {WAIT_SECONDS} s")
    raise AssertionError("the server kept sending")


def silent_tcp_cases(args):
    def silent_tcp():
        with socket.create_connection(("127.0.0.1", args.port), timeout=WAIT_SECONDS) as sock:
            expect_closed(sock)
    return [("silent_tcp_closed", silent_tcp)]


def no_alpn_cases(args):
    def no_alpn():
        context = ssl.create_default_context(cafile=args.ca)
        with socket.create_connection(("127.0.0.1", args.port), timeout=WAIT_SECONDS) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as sock:
                assert sock.selected_alpn_protocol() is None, sock.selected_alpn_protocol()
                expect_closed(sock)
    return [("no_alpn_closed", no_alpn)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["grpcio", "silent-tcp", "no-alpn"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--expect-refused", action="store_true")
    args = parser.parse_args()
    cases = {"grpcio": grpcio_cases, "silent-tcp": silent_tcp_cases, "no-alpn": no_alpn_cases}[args.mode](args)
    failed = 0
    for name, case in cases:
        try:
            case()
            print(f"ok {name}", flush=True)
        except Exception as error:  # noqa: BLE001 — every failure is reported, then counted
            failed += 1
            print(f"FAIL {name}: {error!r}", flush=True)
    print(f"tls: {len(cases) - failed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
