"""Floods of frames that carry no call forward (CVE-2019-9512 PING, CVE-2019-9515 SETTINGS,
CVE-2019-9518 empty DATA, CVE-2023-44487 rapid reset, CVE-2024-27316 CONTINUATION): each
flooding connection must be ended with GOAWAY while other clients are served."""
import pytest

from harness import CONTINUATION, DATA, END_HEADERS, ENHANCE_YOUR_CALM, HEADERS, PING, PREFACE, RST_STREAM, \
    SETTINGS, attacker_socket, during, frame, goaway_code, grpc_request_block, read_until_closed, send_quietly

EMBED = b"/inference.v1.Inference/Embed"


def ping_flood():
    return b"".join(frame(PING, 0, 0, index.to_bytes(8, "big")) for index in range(5000))


def settings_flood():
    return frame(SETTINGS, 0, 0, b"\x00\x03\x00\x00\x00\x64") * 5000


def rapid_reset():
    block = grpc_request_block(EMBED)
    return b"".join(frame(HEADERS, END_HEADERS, stream, block) + frame(RST_STREAM, 0, stream, (8).to_bytes(4, "big"))
                    for stream in range(1, 2 * 3000, 2))


def empty_data_flood():
    return frame(HEADERS, END_HEADERS, 1, grpc_request_block(EMBED)) + frame(DATA, 0, 1) * 5000


def continuation_flood():
    filler = b"\x00\x01x\x01y" * 100
    return frame(HEADERS, 0, 1, grpc_request_block(EMBED)) + frame(CONTINUATION, 0, 1, filler) * 5000


FLOODS = {
    "PING": (ping_flood, {ENHANCE_YOUR_CALM}),
    "SETTINGS": (settings_flood, {ENHANCE_YOUR_CALM}),
    "rapid reset": (rapid_reset, {ENHANCE_YOUR_CALM}),
    "empty DATA": (empty_data_flood, {ENHANCE_YOUR_CALM}),
    # nghttp2 stops it (at most 8 CONTINUATIONs per header block) with a connection error.
    "CONTINUATION": (continuation_flood, None),
}


@pytest.mark.parametrize("name", FLOODS)
def test_flood_gets_goaway(server, name):
    make_flood, expected_codes = FLOODS[name]
    flood = PREFACE + frame(SETTINGS) + make_flood()
    codes = []
    with server.watch(rss_headroom_mb=300, log_limit_bytes=1024 * 1024):
        for _ in during(5):
            sock = attacker_socket(server.port)
            send_quietly(sock, flood)
            data, closed = read_until_closed(sock, timeout=3)
            sock.close()
            assert closed, f"the server kept a {name}-flooding connection open"
            codes.append(goaway_code(data))
    print(f"[attack] {name}: {len(codes)} flooding connections, GOAWAY codes {sorted(set(codes), key=str)}")
    assert None not in codes, f"a {name}-flooding connection was closed without GOAWAY"
    if expected_codes:
        assert set(codes) <= expected_codes, f"GOAWAY codes {set(codes)}, expected {expected_codes}"
