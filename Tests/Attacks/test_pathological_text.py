"""Texts built to make the tokenizer slow: "a" + N×U+0301 + N×U+0316 (a run of combining marks
whose canonical reordering was an insertion sort, quadratic: N = 32,000 took 16.6 s) at 1 MB,
sent as Tokenize, Embed (truncating and not) and Classify, over and over from several
connections. The server must answer each quickly (refuse the untruncated Embed over the
per-text byte limit, tokenize only the limit's worth of the others) while others are served."""
import socket
import time

import h2.config
import h2.connection
import h2.events

from harness import attacker_socket, during, grpc_message, inference_pb2

MARKS = 170_000  # "a" + 2 × 170,000 two-byte marks: about 680 KB of UTF-8


def pathological_text():
    return "a" + "\u0301" * MARKS + "\u0316" * MARKS


def calls(text):
    """(path, serialized request, expected grpc-status) of each call an attacker makes."""
    return [
        ("/inference.v1.Inference/Tokenize", inference_pb2.TokenizeRequest(texts=[text]), 0),
        ("/inference.v1.Inference/Embed", inference_pb2.EmbedRequest(texts=[text], truncate=True), 0),
        ("/inference.v1.Inference/Embed", inference_pb2.EmbedRequest(texts=[text], truncate=False), 3),
        ("/inference.v1.Inference/Classify", inference_pb2.ClassifyRequest(texts=[text], top_k=3), 0),
    ]


def attack_once(port, text, timeout=10.0):
    """Sends every call on one connection and reads the answers: {stream id: (status, expected)}."""
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    connection.initiate_connection()
    expected = {}
    for path, request, status in calls(text):
        stream_id = connection.get_next_available_stream_id()
        connection.send_headers(stream_id, [(":method", "POST"), (":scheme", "http"), (":path", path),
                                            (":authority", "127.0.0.1"), ("content-type", "application/grpc"),
                                            ("te", "trailers")])
        expected[stream_id] = (grpc_message(request.SerializeToString()), status)
    sock = attacker_socket(port, timeout=timeout)
    answers = {}
    pending = {stream_id: body for stream_id, (body, _) in expected.items()}
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and len(answers) < len(expected):
            # Within the server's flow-control windows; the rest after its WINDOW_UPDATEs.
            for stream_id, body in list(pending.items()):
                window = min(connection.local_flow_control_window(stream_id), connection.max_outbound_frame_size)
                while body and window > 0:
                    chunk, body = body[:window], body[window:]
                    connection.send_data(stream_id, chunk, end_stream=not body)
                    window = min(connection.local_flow_control_window(stream_id), connection.max_outbound_frame_size)
                pending[stream_id] = body
                if not body:
                    del pending[stream_id]
            sock.sendall(connection.data_to_send())
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = sock.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.DataReceived):
                    connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, (h2.events.TrailersReceived, h2.events.ResponseReceived)):
                    status = dict(event.headers).get("grpc-status")
                    if status is not None:
                        answers[event.stream_id] = int(status)
    finally:
        sock.close()
    return {stream_id: (answers.get(stream_id), status) for stream_id, (_, status) in expected.items()}


def test_megabyte_texts_of_combining_marks_are_answered_at_once(server):
    text = pathological_text()
    rounds = 0
    started = time.monotonic()
    with server.watch(rss_headroom_mb=300, log_limit_bytes=1024 * 1024):
        for _ in during(8):
            results = attack_once(server.port, text)
            rounds += 1
            for stream_id, (status, expected) in results.items():
                assert status == expected, f"stream {stream_id}: grpc-status {status}, expected {expected}"
    elapsed = time.monotonic() - started
    print(f"[attack] {rounds} rounds of 4 calls with a {len(text.encode()) // 1024} KB pathological text "
          f"in {elapsed:.1f} s, every answer as expected")
    assert rounds >= 4, f"only {rounds} rounds of 4 calls in {elapsed:.1f} s: the server is slow on these texts"
