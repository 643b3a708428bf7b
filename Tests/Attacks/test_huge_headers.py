"""Huge header lists: 120 KB of literal headers in CONTINUATION frames, and an HPACK-indexed
4 KB header referenced 2,000 times (8 MB decoded from a few KB on the wire)."""
import h2.config
import h2.connection
import h2.events

from harness import attacker_socket, during, read_until_closed, send_quietly

EMBED = [(b":method", b"POST"), (b":scheme", b"http"), (b":path", b"/inference.v1.Inference/Embed"),
         (b":authority", b"127.0.0.1"), (b"content-type", b"application/grpc"), (b"te", b"trailers")]


def h2_client():
    connection = h2.connection.H2Connection(h2.config.H2Configuration(
        client_side=True, validate_outbound_headers=False, normalize_outbound_headers=False))
    connection.initiate_connection()
    return connection


def test_huge_header_lists_are_refused(server):
    outcomes = {}
    with server.watch(rss_headroom_mb=300, log_limit_bytes=1024 * 1024):
        for _ in during(6):
            connection = h2_client()
            literal = [(f"x-filler-{index}".encode(), b"b" * 2000) for index in range(60)]
            connection.send_headers(1, EMBED + literal, end_stream=True)
            big = (b"x-big", b"a" * 4000)
            connection.send_headers(3, EMBED + [big], end_stream=True)
            connection.send_headers(5, EMBED + [big] * 2000, end_stream=True)
            sock = attacker_socket(server.port)
            send_quietly(sock, connection.data_to_send())
            data, closed = read_until_closed(sock, timeout=3)
            sock.close()
            try:
                events = connection.receive_data(data)
            except Exception as error:  # a connection error is a valid answer too
                events = [error]
            for event in events:
                if isinstance(event, h2.events.ResponseReceived | h2.events.TrailersReceived):
                    status = dict(event.headers).get(b"grpc-status")
                    if status is not None and event.stream_id != 3:  # stream 3 only fills the HPACK table
                        outcomes[f"grpc-status {status.decode()}"] = outcomes.get(f"grpc-status {status.decode()}", 0) + 1
                elif isinstance(event, h2.events.ConnectionTerminated | Exception):
                    outcomes["connection error"] = outcomes.get("connection error", 0) + 1
    print(f"[attack] {outcomes}")
    assert outcomes, "the server answered nothing"
    assert set(outcomes) <= {"grpc-status 8", "connection error"}, f"a huge header list was not refused: {outcomes}"
