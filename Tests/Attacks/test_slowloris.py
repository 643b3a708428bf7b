"""Slowloris: 1,100 connections each with one HEADERS frame and no END_STREAM, and connections
that send nothing after the preface. Before the fix a new client's health Check timed out."""
import socket
import time

import pytest

from harness import END_HEADERS, ENHANCE_YOUR_CALM, HEADERS, PREFACE, SETTINGS, attacker_socket, frame, \
    goaway_code, grpc_request_block, parse_frames


def open_quietly(port, first_bytes):
    """A connection that sends `first_bytes` and then nothing; None when it could not connect."""
    try:
        sock = attacker_socket(port, timeout=2.0)
        sock.sendall(first_bytes)
        return sock
    except OSError:
        return None


def call_ended(data):
    """Whether the server has answered stream 1 (its call ended by the body timeout)."""
    return any(kind == HEADERS and stream == 1 for kind, _, stream, _ in parse_frames(bytes(data)))


def what_the_server_said(sock, deadline):
    """How the server treated a silent connection: waits (until `deadline`) for the server to
    close it or to end its call, then reads what it sent; "nothing" when neither happened."""
    if sock is None:
        return "not connected"
    data = bytearray()
    closed = False
    while not closed and not call_ended(data) and time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except OSError:
            chunk = b""
        closed = not chunk
        data += chunk
    sock.close()
    if not closed and not call_ended(data):
        return "nothing"
    code = goaway_code(data)
    if code == ENHANCE_YOUR_CALM:
        return "refused with GOAWAY"
    if code is not None:
        return "timed out with GOAWAY"
    if call_ended(data):
        return "call ended by the body timeout"
    return "nothing"


@pytest.mark.server_args("--handshake-timeout", "2", "--request-body-timeout", "2")
def test_slowloris_connections_are_refused_or_timed_out(server):
    preface = PREFACE + frame(SETTINGS)
    headers = preface + frame(HEADERS, END_HEADERS, 1, grpc_request_block(b"/inference.v1.Inference/Embed"))
    with server.watch(rss_headroom_mb=300, log_limit_bytes=2 * 1024 * 1024):
        silent = [open_quietly(server.port, preface) for _ in range(200)]
        holding = [open_quietly(server.port, headers) for _ in range(1100)]
        # The event: every connection closed by the server (refused, or timed out after 2 s),
        # the prober running all along.
        deadline = time.monotonic() + 15
        outcomes = {}
        for sock in silent + holding:
            outcome = what_the_server_said(sock, deadline)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(f"[attack] {outcomes}")
    assert outcomes.get("nothing", 0) == 0, f"connections the server neither refused nor timed out: {outcomes}"
    # At most 256 (the per-address limit) are open at once; timeouts free slots as the attack goes.
    assert outcomes.get("refused with GOAWAY", 0) >= 500, f"the per-address limit refused too few: {outcomes}"
