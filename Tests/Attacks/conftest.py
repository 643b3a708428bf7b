"""Fixtures of the attack suite: `server`, a fresh `quantserve serve` per test.

A test names extra `serve` flags with `@pytest.mark.server_args("--flag", "value", ...)`. After
the test the server gets SIGTERM and must exit 0 within its grace period.
"""
import pytest

from harness import GRACE_PERIOD, ServerUnderTest


def pytest_configure(config):
    config.addinivalue_line("markers", "server_args(*args): extra flags for `quantserve serve`")


@pytest.fixture
def server(request, tmp_path):
    marker = request.node.get_closest_marker("server_args")
    under_test = ServerUnderTest(tmp_path, marker.args if marker else ())
    try:
        yield under_test
    finally:
        code, seconds = under_test.terminate()
        print(f"[server] SIGTERM: exit {code} after {seconds:.2f} s; log {under_test.log_bytes()} bytes at {under_test.log_path}")
    assert code == 0, f"SIGTERM: exit code {code}:\n{under_test.log_tail()}"
    assert seconds <= GRACE_PERIOD + 1, f"SIGTERM took {seconds:.1f} s (grace period {GRACE_PERIOD} s)"
