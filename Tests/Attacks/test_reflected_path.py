"""A client that never reads repeats a request whose :path is 3,800 bytes of 0xFF, HPACK-indexed
after the first (a few bytes per request). Before the fix every UNIMPLEMENTED answer echoed the
path into grpc-message and the log, and the server wrote whether or not the socket could take
it: RSS 93 MB -> 2.87 GB and a 2.2 GB log in 40 s."""
import h2.config
import h2.connection

from harness import attacker_socket, during


def test_reflected_long_path_from_a_client_that_never_reads(server):
    path = b"/" + b"\xff" * 3800
    sock = attacker_socket(server.port, timeout=0.2)
    connection = h2.connection.H2Connection(h2.config.H2Configuration(
        client_side=True, validate_outbound_headers=False, normalize_outbound_headers=False))
    connection.initiate_connection()
    pending = bytearray(connection.data_to_send())
    requests = 0
    with server.watch(rss_headroom_mb=300, log_limit_bytes=1024 * 1024):
        for _ in during(10):
            if len(pending) < 1024 * 1024:
                for _ in range(200):
                    stream_id = connection.get_next_available_stream_id()
                    connection.send_headers(stream_id, [(b":method", b"POST"), (b":scheme", b"http"), (b":path", path),
                                                        (b":authority", b"127.0.0.1"), (b"content-type", b"application/grpc"),
                                                        (b"te", b"trailers")], end_stream=True)
                    requests += 1
                pending += connection.data_to_send()
            try:
                sent = sock.send(pending)
                del pending[:sent]
            except TimeoutError:
                pass  # the server stopped reading: exactly what it should do
            except OSError:
                break  # the server cut the connection
    print(f"[attack] {requests} requests queued, {len(pending)} bytes the server would not take")
    sock.close()
