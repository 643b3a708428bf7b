"""A client that never reads repeats a request whose :path is 3,800 bytes of 0xFF, HPACK-indexed
after the first (15 bytes per request). Before the fix every UNIMPLEMENTED answer echoed the
path into grpc-message and the log, and the server wrote whether or not the socket could take
it: RSS 93 MB -> 2.87 GB and a 2.2 GB log in 40 s."""
import h2.config
import h2.connection

from harness import END_HEADERS, END_STREAM, HEADERS, attacker_socket, during, frame, parse_frames

REQUEST = [(b":method", b"POST"), (b":scheme", b"http"), (b":path", b"/" + b"\xff" * 3800),
           (b":authority", b"127.0.0.1"), (b"content-type", b"application/grpc"), (b"te", b"trailers")]


def indexed_request_block():
    """The connection's opening bytes (two requests, which put every field in the HPACK table)
    and the header block of any later request: indexed fields only, a few bytes."""
    connection = h2.connection.H2Connection(h2.config.H2Configuration(
        client_side=True, validate_outbound_headers=False, normalize_outbound_headers=False))
    connection.initiate_connection()
    connection.send_headers(1, REQUEST, end_stream=True)
    opening = connection.data_to_send()
    connection.send_headers(3, REQUEST, end_stream=True)
    second = connection.data_to_send()
    block = next(payload for kind, _, _, payload in parse_frames(second) if kind == HEADERS)
    return opening + second, block


def test_reflected_long_path_from_a_client_that_never_reads(server):
    opening, block = indexed_request_block()
    sock = attacker_socket(server.port, timeout=0.2)
    pending = bytearray(opening)
    stream_id = 5
    with server.watch(rss_headroom_mb=300, log_limit_bytes=1024 * 1024):
        for _ in during(10):
            if len(pending) < 4 * 1024 * 1024:
                batch = [frame(HEADERS, END_HEADERS | END_STREAM, sid, block) for sid in range(stream_id, stream_id + 20000, 2)]
                stream_id += 20000
                pending += b"".join(batch)
            try:
                sent = sock.send(pending)
                del pending[:sent]
            except TimeoutError:
                pass  # the server stopped reading, as it should from a client that does not
            except OSError:
                break  # the server cut the connection
    print(f"[attack] {(stream_id - 1) // 2} requests made, {len(pending)} bytes the server would not take, "
          f"{len(block) + 9} bytes per request")
    sock.close()
