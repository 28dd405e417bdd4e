"""Hostile modules against the sandbox, with real runs of the embedded engine: each tries to read the platform's
keys, database, data dir or the worker's environment, to write outside its work dir, to outlive its run or to
eat the machine's memory; each attempt fails or finds nothing, and no secret reaches the outputs or the log.

These tests fail with RUN_SANDBOX=off (set IK_TEST_RUN_SANDBOX=off to see it): a module then reads all of it.
"""

import base64
import dataclasses
import os
import subprocess
import textwrap
import time
import uuid

import pytest
from factories.modules import write_module

from service.engine import sandbox
from service.engine.engine_run import EngineJob, run_job
from service.templates import module_archive
from service.templates.module_archive import ModuleLimits

KEY = "ik-test-key-material-0123456789abcdef"
CANARY = "ik-test-worker-environment-canary-42"
SANDBOX_MODE = os.environ.get("IK_TEST_RUN_SANDBOX", "required")


@pytest.fixture
def hostile(settings, tmp_path, monkeypatch):
    """(settings, data dir): a data dir with key files and a database file holding KEY, a worker environment
    holding CANARY, and runs sandboxed as RUN_SANDBOX=required (unless IK_TEST_RUN_SANDBOX says otherwise)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name in ("encryption.key", "session.key", "infrakitchen.db"):
        (data_dir / name).write_text(KEY)
    monkeypatch.setenv("IK_TEST_CANARY", CANARY)
    sandbox.sandbox_for.cache_clear()
    yield dataclasses.replace(settings, data_dir=data_dir, work_dir=tmp_path / "runs", run_sandbox=SANDBOX_MODE,
                              run_memory_bytes=1024 * 1024 * 1024), data_dir
    sandbox.sandbox_for.cache_clear()


def _run(settings, tmp_path, main_tf: str):
    module = write_module(tmp_path / "src" / f"m-{uuid.uuid4().hex[:6]}", main_tf)
    job = EngineJob(kind="provision", archive=module_archive.pack(module.parent, ModuleLimits()),
                    module_path=module.name, variables={})
    lines: list[str] = []
    result = run_job(job, settings, f"run-{uuid.uuid4().hex[:8]}", lines.append)
    return result, "\n".join(lines)


def _leaks(text: str) -> list[str]:
    """Which secrets `text` holds, plainly or base64-encoded."""
    secrets = {"key": KEY, "canary": CANARY}
    found = [name for name, value in secrets.items() if value in text]
    found += [f"{name} (base64)" for name, value in secrets.items()
              if base64.b64encode(value.encode()).decode()[:24] in text]
    return found


def test_file_reads_find_neither_the_keys_the_database_nor_the_data_dir(hostile, tmp_path):
    settings, data_dir = hostile
    reads = "\n".join(
        f'output "{name}" {{\n  value = try(file("{path}"), "absent")\n}}'
        for name, path in {"encryption_key": data_dir / "encryption.key", "session_key": data_dir / "session.key",
                           "database": data_dir / "infrakitchen.db", "init_environ": "/proc/1/environ",
                           "relative": "${path.cwd}/../../../data/encryption.key"}.items()
    )
    listing = f'output "data_dir" {{\n  value = try(fileset("{data_dir}", "**"), [])\n}}'
    result, log = _run(settings, tmp_path, reads + "\n" + listing)
    assert result.succeeded, log
    assert {name: o["value"] for name, o in result.outputs.items()} == {
        "encryption_key": "absent", "session_key": "absent", "database": "absent", "relative": "absent",
        "data_dir": [], "init_environ": result.outputs["init_environ"]["value"],
    }
    assert _leaks(str(result.outputs) + log) == []


def test_a_local_exec_finds_no_key_and_no_worker_environment_to_print(hostile, tmp_path):
    settings, data_dir = hostile
    result, log = _run(settings, tmp_path, textwrap.dedent(f'''
        resource "terraform_data" "snoop" {{
          provisioner "local-exec" {{
            command = <<-EOT
              for f in {data_dir}/* /proc/*/environ; do base64 -w0 "$f" 2>/dev/null; echo; done
              tr '\\0' '\\n' < /proc/$PPID/environ | base64 -w0; echo
              ls -la {data_dir} / /proc | head -50
            EOT
          }}
        }}
    '''))
    assert result.succeeded, log
    assert _leaks(log) == []


def test_writes_outside_the_work_dir_land_nowhere(hostile, tmp_path):
    settings, data_dir = hostile
    outside = tmp_path / f"outside-{uuid.uuid4().hex[:6]}"
    result, log = _run(settings, tmp_path, textwrap.dedent(f'''
        resource "terraform_data" "scribble" {{
          provisioner "local-exec" {{
            command = "touch {data_dir}/planted {outside} /tmp/{outside.name} 2>&1; echo done"
          }}
        }}
    '''))
    assert "done" in log
    assert not (data_dir / "planted").exists()
    assert not outside.exists()
    assert not (tmp_path.parent / outside.name).exists()
    assert not os.path.exists(f"/tmp/{outside.name}")  # noqa: S108 (the host's /tmp: nothing may land there)


def test_a_process_left_behind_does_not_outlive_its_run(hostile, tmp_path):
    settings, _ = hostile
    token = f"300.{uuid.uuid4().int % 10**9:09d}"  # sleep's argument, unique to this test
    result, log = _run(settings, tmp_path, textwrap.dedent(f'''
        resource "terraform_data" "orphan" {{
          provisioner "local-exec" {{
            command = "setsid sleep {token} > /dev/null 2>&1 & echo forked"
          }}
        }}
    '''))
    assert result.succeeded, log
    time.sleep(0.5)
    survivors = subprocess.run(["pgrep", "-f", f"sleep {token}"], capture_output=True, text=True).stdout.split()
    subprocess.run(["pkill", "-f", f"sleep {token}"], check=False)  # when the test fails: leave nothing behind
    assert survivors == []


def test_a_module_that_eats_memory_fails_alone(hostile, tmp_path):
    settings, _ = hostile
    started = time.monotonic()
    result, log = _run(settings, tmp_path, textwrap.dedent('''
        resource "terraform_data" "glutton" {
          provisioner "local-exec" {
            command = "head -c 4G /dev/zero | tail -n 1 > /dev/null; echo exit=$?"
          }
        }
    '''))
    assert time.monotonic() - started < 120
    assert "exit=0" not in log, log


def test_required_refuses_to_run_when_no_sandbox_can_be_made(settings):
    broken = dataclasses.replace(settings, run_sandbox="required", run_sandbox_bwrap="/bin/false")
    with pytest.raises(sandbox.SandboxUnavailable, match="cannot create a sandbox here"):
        sandbox.sandbox_for(broken)


def test_auto_runs_unsandboxed_when_no_sandbox_can_be_made(settings, caplog):
    broken = dataclasses.replace(settings, run_sandbox="auto", run_sandbox_bwrap="/bin/false")
    assert sandbox.sandbox_for(broken) is None
    assert "RUNS ARE NOT SANDBOXED" in caplog.text
