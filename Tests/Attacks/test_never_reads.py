"""Clients that ask for large responses (Echo.Expand: 60 MB from a 6 KB request) with wide-open
flow-control windows and never read them: the server must stop producing, cut them, and keep
its memory bounded."""
import h2.config
import h2.connection
import h2.settings
import pytest

from harness import attacker_socket, during, echo_pb2, grpc_message, read_until_closed, send_quietly


def expanding_requests(streams):
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    connection.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2 ** 31 - 1})
    connection.increment_flow_control_window(2 ** 31 - 1 - 65535)
    body = grpc_message(echo_pb2.EchoRequest(message="x", count=10000, payload=b"p" * 6000).SerializeToString())
    for _ in range(streams):
        stream_id = connection.get_next_available_stream_id()
        connection.send_headers(stream_id, [(":method", "POST"), (":scheme", "http"), (":path", "/testing.v1.Echo/Expand"),
                                            (":authority", "127.0.0.1"), ("content-type", "application/grpc"), ("te", "trailers")])
        connection.send_data(stream_id, body, end_stream=True)
    return connection.data_to_send()


@pytest.mark.server_args("--enable-echo", "--stalled-timeout", "2")
def test_clients_that_never_read_large_responses_are_cut(server):
    sockets = []
    with server.watch(rss_headroom_mb=300, log_limit_bytes=1024 * 1024):
        for _ in during(8):
            if len(sockets) < 16:
                sock = attacker_socket(server.port, timeout=1)
                send_quietly(sock, expanding_requests(10))
                sockets.append(sock)
    cut = 0
    for sock in sockets:
        _, closed = read_until_closed(sock, timeout=3)
        cut += closed
        sock.close()
    print(f"[attack] {len(sockets)} never-reading clients asked for 600 MB each; the server cut {cut}")
    assert cut == len(sockets), f"the server still holds {len(sockets) - cut} connections of clients that never read"
