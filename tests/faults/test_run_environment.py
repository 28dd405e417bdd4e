"""Fault 4: what a run needs on the worker's machine is broken under load: the work dir's disk full before a run
or filled up during one (a small tmpfs as WORK_DIR), on a read-only mount, WORK_DIR a regular file; the engine
binary crashing (SIGSEGV), exiting 2 with garbage, gone.

Each time the run fails with a clear run.error (no stack trace, no secret), its resource is `error`, the worker
process lives on and takes the next run, and once the fault is gone runs succeed again.
"""

import errno
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time

import pytest
from factories.modules import APPLY_COUNTING_TF, GREETER_TF
from support import wait_for

from faults.invariants import assert_invariants, check_answers

pytestmark = [pytest.mark.e2e, pytest.mark.faults]
SECRET = "probe-secret-4711"
FILLING_TF = textwrap.dedent('''
    resource "terraform_data" "fill" {
      provisioner "local-exec" {
        command = "dd if=/dev/zero of=$HOME/fill bs=1M count=256"
      }
    }
''')
NO_SPACE = "no space left on the run's work dir (WORK_DIR)"
READ_ONLY = "the run's work dir is on a read-only file system (WORK_DIR)"
NOT_A_DIRECTORY = "WORK_DIR is not a directory"
ENGINE_MISSING = "the engine binary is missing or not executable (ENGINE_BINARY)"


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MiB tmpfs (a disk that fills up); unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    if not shutil.which("mount"):
        pytest.skip("no mount(8) on this machine")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(disk)], check=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk) -> None:
    """Write a file until the disk has no byte left."""
    with open(disk / "filler", "wb", buffering=0) as filler:
        for chunk in (1024 * 1024, 4096, 1):
            try:
                while True:
                    filler.write(b"\0" * chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    assert shutil.disk_usage(disk).free == 0


def _remount(disk, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)


class Probes:
    """Resources of the greeter (with a sensitive value) provisioned one at a time, each run awaited."""

    def __init__(self, api, template):
        self.api, self.template = api, template
        self.resources, self.runs = [], []

    def __call__(self, template=None, variables=None) -> tuple[dict, dict]:
        name = f"probe-{len(self.resources)}"
        resource = self.api.resource(template or self.template, name,
                                     variables if variables is not None else {"name": name, "token": SECRET})
        run = self.api.finished_run(self.api("post", f"/resources/{resource['id']}/provision")["id"], timeout=90)
        self.resources.append(resource["id"])
        self.runs.append(run["id"])
        return run, self.api("get", f"/resources/{resource['id']}")

    def fails_with(self, error: str, **kwargs) -> dict:
        """The probe's run fails with `error` (after the step that met it, if any: the space a load's run frees
        when it ends can let a probe start before it meets the full disk)."""
        run, resource = self(**kwargs)
        assert (run["status"], resource["status"]) == ("failed", "error"), run
        assert run["error"] == error or run["error"].endswith(f" failed: {error}"), run["error"]
        lines = self.api("get", f"/runs/{run['id']}/logs?limit=5000")["lines"]
        assert not any(SECRET in line for line in lines), "a secret reached the log"
        return run

    def succeeds(self) -> dict:
        run, resource = self()
        assert (run["status"], resource["state"], resource["status"]) == ("succeeded", "provisioned", "done"), run
        return run


def _clean_errors(outcome) -> None:
    """Runs the faults caught (the load's, at whatever step) failed with a clear error: never an internal error,
    a stack trace or a secret."""
    for run in outcome.runs.values():
        error = run["error"] or ""
        assert "internal error" not in error and "Traceback" not in error and SECRET not in error, run


def test_a_full_read_only_or_missing_work_dir_fails_the_run_clearly_and_the_worker_goes_on(fault_database, stack,
                                                                                           beacon, small_disk,
                                                                                           tmp_path):
    ik = stack(fault_database, WORK_DIR=str(small_disk / "work"))
    ik.serve()
    api = ik.sign_in()
    worker = ik.worker("--concurrency", "1", "--beat")
    probe = Probes(api, api.template(tmp_path, "greeter", GREETER_TF))
    filling = api.template(tmp_path, "filling", FILLING_TF)
    load = ik.load(api.template(tmp_path, "counting", APPLY_COUNTING_TF), beacon, writers=1, pause=2)

    with load:
        probe.succeeds()
        _fill(small_disk)  # the disk is full before the run
        probe.fails_with(NO_SPACE)
        (small_disk / "filler").unlink()
        probe.succeeds()
        filled = probe.fails_with(NO_SPACE, template=filling, variables={})  # the run fills it up
        assert filled["error"] == f"apply failed: {NO_SPACE}"
        assert shutil.disk_usage(small_disk).free > 8 * 1024 * 1024, "the failed run's work dir was not removed"
        _remount(small_disk, "ro")
        try:
            probe.fails_with(READ_ONLY)
        finally:
            _remount(small_disk, "rw")
        shutil.rmtree(small_disk / "work")
        (small_disk / "work").write_text("not a directory")
        probe.fails_with(NOT_A_DIRECTORY)
        (small_disk / "work").unlink()
        probe.succeeds()
        fault_ended_at = time.time()
        wait_for(lambda: any(a.at > fault_ended_at and a.status == 202 for a in load.answers), timeout=30,
                 what="a provision accepted after the faults")

    assert worker.poll() is None, "the worker died"
    check_answers(load, allowed={200, 201, 202})
    outcome = assert_invariants(api, load, beacon, ik.timing, fault_ended_at=fault_ended_at,
                                extra_resources=probe.resources, extra_runs=probe.runs)
    _clean_errors(outcome)


CRASHING = "#!/bin/sh\nkill -SEGV $$\n"
# Garbage, and the run's secrets (its state credential, the var file with the sensitive value) on the console.
GARBAGE = ("#!/bin/sh\nprintf '\\001\\377\\376 not an engine {{{{\\n'\necho \"password=[$TF_HTTP_PASSWORD]\"\n"
           "cat *.tfvars.json\nexit 2\n")


def _engine(path, script: str) -> None:
    path.write_text(script)
    path.chmod(stat.S_IRWXU)


def test_an_engine_that_crashes_prints_garbage_or_is_gone_fails_the_run_clearly(fault_database, stack, beacon,
                                                                                 tmp_path):
    binary = tmp_path / "engine" / "tofu"
    binary.parent.mkdir()
    _engine(binary, CRASHING)
    ik = stack(fault_database)
    ik.serve()
    api = ik.sign_in()

    # A binary that is not there at all is refused when the worker starts, with the reason.
    refused = subprocess.run([sys.executable, "-m", "service.cli", "worker"], env={**os.environ, **ik.env,
                             "ENGINE_BINARY": "/nonexistent"}, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "ENGINE_BINARY='/nonexistent' is not an executable on PATH" in refused.stderr, refused.stderr

    broken = ik.worker("--concurrency", "1", "--beat", env={"ENGINE_BINARY": str(binary)})
    probe = Probes(api, api.template(tmp_path, "greeter", GREETER_TF))
    load = ik.load(api.template(tmp_path, "counting", APPLY_COUNTING_TF), beacon, writers=1, pause=2)
    with load:
        probe.fails_with("init failed: the engine was killed by SIGSEGV")
        _engine(binary, GARBAGE)
        garbage = probe.fails_with("init failed with exit code 2")
        lines = api("get", f"/runs/{garbage['id']}/logs")["lines"]
        assert "password=[***]" in lines and any("not an engine" in line for line in lines), lines
        binary.unlink()  # gone while the worker runs
        probe.fails_with(ENGINE_MISSING)
        assert broken.poll() is None, "the worker died"
        broken.terminate()
        broken.wait(timeout=30)
        ik.worker("--concurrency", "2", "--beat")  # the embedded engine again
        probe.succeeds()
        fault_ended_at = time.time()
        wait_for(lambda: any(a.at > fault_ended_at and a.status == 202 for a in load.answers), timeout=30,
                 what="a provision accepted after the faults")

    check_answers(load, allowed={200, 201, 202})
    outcome = assert_invariants(api, load, beacon, ik.timing, fault_ended_at=fault_ended_at,
                                extra_resources=probe.resources, extra_runs=probe.runs)
    _clean_errors(outcome)
