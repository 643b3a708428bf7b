"""Two replicas behind nginx (deploy/fleet.py, deploy/nginx/quantserve.conf) under an open-loop
quantbench load through nginx: a rolling hot swap fails no call, a replica drained (out of
nginx's rotation, then SIGTERM) fails no call, and a replica killed with SIGKILL fails at most the calls in flight on it while
the others keep flowing. Each scenario waits for events: replicas' "serving" lines, nginx's
worker start, quantbench's measured seconds, process exits, nginx reloads. About 20 s in all.
"""
import signal
import sys
from pathlib import Path

import grpc
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet_harness import (QUANTBENCH, QUANTSERVE, HealthWatches, QuantbenchRun, fleet,  # noqa: E402
                           inference_pb2, inference_pb2_grpc, make_tiny_repository, upstream_counts,
                           wait_until_routed, watch_upstreams)

MODEL = "tiny"
RATE = 100          # calls/s through nginx
DURATION = 8        # measured seconds per scenario
EVENT_SECOND = 2    # the swap, drain or kill starts after this many measured seconds
WATCHES = 4         # health Watch streams through nginx: calls surely in flight on each replica


@pytest.fixture(scope="module")
def running_fleet(tmp_path_factory):
    for binary in (QUANTSERVE, QUANTBENCH):
        if not binary.exists():
            pytest.fail(f"{binary} is missing: build it first (swift build --product {binary.name})")
    root = tmp_path_factory.mktemp("fleet")
    repository, staged_version_2 = make_tiny_repository(root, MODEL)
    under_test = fleet.Fleet(QUANTSERVE, repository, replicas=2, state_dir=root / "state",
                             serve_args=["--default-model", MODEL, "--grace-period", "5"], fail_timeout=1)
    under_test.staged_version_2 = staged_version_2
    under_test.start()
    try:
        yield under_test
    finally:
        codes = under_test.stop()
        print(f"[fleet] stopped, replica exit codes {codes}; logs in {under_test.state_dir}")


def served_version(port, text="where is my order"):
    """The version that answers an Embed sent straight to the replica on `port`, and its vector."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        response = inference_pb2_grpc.InferenceStub(channel).Embed(
            inference_pb2.EmbedRequest(model=inference_pb2.ModelRef(name=MODEL), texts=[text]), timeout=10)
    return response.model.version, list(response.embeddings[0].values)


def start_load(running_fleet, name):
    return QuantbenchRun(f"127.0.0.1:{running_fleet.port}", RATE, DURATION,
                         running_fleet.state_dir / f"{name}.csv", method="embed", model=MODEL)


def access_log(running_fleet):
    return running_fleet.state_dir / "nginx-access.log"


def report(name, summary):
    print(f"[{name}] sent {summary['succeeded'] + summary['failed']}, failed {summary['failed']} "
          f"{summary['failures']}, p99 {summary['latency_microseconds']['p99']} us")


def test_1_rolling_hot_swap_fails_no_call(running_fleet):
    version_1 = [served_version(port) for port in running_fleet.replica_ports]
    assert [version for version, _ in version_1] == [1, 1]
    running_fleet.staged_version_2.rename(Path(running_fleet.model_repository) / MODEL / "2")

    load = start_load(running_fleet, "swap")
    load.wait_for_second(EVENT_SECOND)
    _, log_line = upstream_counts(access_log(running_fleet))
    running_fleet.rolling_swap(MODEL, 2)
    swapped_at = load.second
    load.wait_for_second(swapped_at + 2)  # calls flowing on the new version
    after_swap, _ = upstream_counts(access_log(running_fleet), log_line)
    summary, _ = load.finish()
    report("rolling swap", summary)

    assert swapped_at < DURATION - 1, f"the swap took until second {swapped_at} of {DURATION}: it ran outside the measurement"
    assert summary["failed"] == 0, f"the rolling swap failed calls: {summary['failures']}"
    assert summary["succeeded"] >= RATE * DURATION * 0.9
    expected = {f"127.0.0.1:{port}" for port in running_fleet.replica_ports}
    assert set(after_swap) == expected, f"calls during and after the swap went to {after_swap}, not both replicas"
    version_2 = [served_version(port) for port in running_fleet.replica_ports]
    assert [version for version, _ in version_2] == [2, 2]
    assert version_2[0][1] != version_1[0][1], "version 2 gave the same embedding as version 1: the swap changed nothing"


def test_2_replica_drained_fails_no_call(running_fleet):
    drained, remaining = running_fleet.replicas[0], f"127.0.0.1:{running_fleet.replica_ports[1]}"
    drained_address = f"127.0.0.1:{running_fleet.replica_ports[0]}"
    load = start_load(running_fleet, "drain")
    load.wait_for_second(EVENT_SECOND)
    code = running_fleet.drain_replica(0, grace=15)  # out of nginx's rotation (a reload), then SIGTERM
    assert code == 0, f"the drained replica did not exit 0:\n{drained.log_tail()}"
    _, log_line = upstream_counts(access_log(running_fleet))
    drained_at = load.second
    load.wait_for_second(drained_at + 2)
    after_drain, _ = upstream_counts(access_log(running_fleet), log_line)
    summary, _ = load.finish()
    report("drain", summary)

    assert drained_at < DURATION - 1, f"the drain took until second {drained_at} of {DURATION}"
    assert summary["failed"] == 0, f"draining a replica failed calls: {summary['failures']}"
    assert summary["succeeded"] >= RATE * DURATION * 0.9
    assert set(after_drain) == {remaining}, f"after the drain calls went to {after_drain}"
    assert after_drain[remaining] >= RATE  # two seconds of calls, all on the remaining replica

    running_fleet.start_replica(0)  # serving, then back in nginx's rotation
    assert served_version(running_fleet.replica_ports[0])[0] == 2  # restarted on the newest version
    wait_until_routed(running_fleet.port, access_log(running_fleet), drained_address, MODEL)


def test_3_replica_killed_with_sigkill_fails_only_calls_in_flight(running_fleet):
    killed, remaining = running_fleet.replicas[1], f"127.0.0.1:{running_fleet.replica_ports[0]}"
    killed_address = f"127.0.0.1:{running_fleet.replica_ports[1]}"
    _, watch_line = upstream_counts(access_log(running_fleet))
    watches = HealthWatches(f"127.0.0.1:{running_fleet.port}", MODEL, WATCHES)
    load = start_load(running_fleet, "kill")
    load.wait_for_second(EVENT_SECOND)
    killed.signal(signal.SIGKILL)
    killed.wait(timeout=15)
    killed_at = load.second
    _, log_line = upstream_counts(access_log(running_fleet))
    load.wait_for_second(killed_at + 2)
    after_kill, _ = upstream_counts(access_log(running_fleet), log_line)
    summary, seconds = load.finish()
    report("SIGKILL", summary)

    # Calls that failed were in flight on the killed replica when it died: they were all sent by the
    # second of the kill or the next (quantbench's CSV rows: 0-based seconds of the calls' schedule),
    # and there were at most a second's worth of calls in flight.
    late_errors = [row for row in seconds if row["second"] > killed_at + 1 and row["errors"]]
    assert not late_errors, f"calls failed after the kill was over: {late_errors}"
    assert summary["failed"] <= RATE, f"{summary['failed']} calls failed: more than were in flight"
    flowing = [row for row in seconds if killed_at + 1 < row["second"] < DURATION]
    assert flowing and sum(row["completed"] for row in flowing) >= RATE * len(flowing) * 0.8, \
        f"calls stopped flowing after the kill: {seconds}"
    assert set(after_kill) == {remaining}, f"after the kill calls went to {after_kill}"
    assert summary["succeeded"] >= RATE * DURATION * 0.8
    # The streams in flight on the killed replica failed; those on the other one were untouched.
    on_killed = watch_upstreams(access_log(running_fleet), watch_line, 1)  # nginx logged them at the kill
    assert on_killed and set(on_killed) == {killed_address}, on_killed
    watches.nudge()
    watches.wait_ended(len(on_killed))
    ended = watches.close()
    print(f"[SIGKILL] health Watch streams in flight: ended with {[code and code.name for code in ended]}, "
          f"{len(on_killed)} on the killed replica")
    failed = [code for code in ended if code is not None]
    assert len(failed) == len(on_killed) and grpc.StatusCode.OK not in failed, ended
    assert ended.count(None) == WATCHES - len(on_killed) >= 1, ended


def test_administration_is_refused_at_the_balancer(running_fleet):
    with grpc.insecure_channel(f"127.0.0.1:{running_fleet.port}") as channel:
        with pytest.raises(grpc.RpcError) as refused:
            inference_pb2_grpc.ModelRegistryStub(channel).ListModels(inference_pb2.ListModelsRequest(), timeout=10)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "call a replica directly" in refused.value.details()
