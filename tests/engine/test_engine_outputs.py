"""A provision's outputs are read from the state the engine wrote, as `output -json` would print them, and the
engine is asked only when the state cannot be read; sandboxed engine processes start without a fork of the
worker when prlimit sets their limits."""

import dataclasses
import json
import time

from factories.modules import GREETER_TF, write_module

from service.engine import engine_run, sandbox
from service.engine.engine_run import EngineJob, outputs_in_state, run_job
from service.engine.process import DIRECT, Launch, run_captured
from service.templates import module_archive
from service.templates.module_archive import ModuleLimits


def _provisioned(settings, tmp_path) -> engine_run.EngineResult:
    module = write_module(tmp_path / "src" / "mod", GREETER_TF)
    job = EngineJob(kind="provision", archive=module_archive.pack(module.parent, ModuleLimits()), module_path="mod",
                    variables={"name": "o", "count_of": 2, "tags": {"a": "b"}, "token": "tok-out-1"})
    result = run_job(job, dataclasses.replace(settings, work_dir=tmp_path / "work"), "outputs", lambda _: None)
    assert result.succeeded
    return result


def test_outputs_read_from_the_state_are_what_output_json_prints(settings, tmp_path):
    result = _provisioned(settings, tmp_path)
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / engine_run.STATE_FILE).write_bytes(result.state)
    env = engine_run.engine_env(state_dir, settings.plugin_cache_dir)
    code, printed = run_captured([*engine_run.engine_argv(settings), "output", "-json"], state_dir, env,
                                 time.monotonic() + 60)
    assert code == 0
    assert result.outputs == json.loads(printed)
    assert result.outputs["token_echo"] == {"sensitive": True, "type": "string", "value": "tok-out-1"}


def test_a_state_without_readable_outputs_leaves_them_to_the_engine():
    plain = {"version": 4, "serial": 1, "lineage": "l", "outputs": {"x": {"value": 1, "type": "number"}}}
    assert outputs_in_state(json.dumps(plain).encode()) == {"x": {"sensitive": False, "type": "number", "value": 1}}
    encrypted = {"serial": 1, "lineage": "l", "meta": {}, "encrypted_data": "ZW5j", "encryption_version": "v0"}
    for body in (None, b"", b"not json", b"[]", json.dumps(encrypted).encode(),
                 json.dumps({**plain, "version": 3}).encode(), json.dumps({**plain, "outputs": {"x": 1}}).encode()):
        assert outputs_in_state(body) is None, body


def test_a_sandboxed_engine_starts_without_code_between_fork_and_exec(settings, tmp_path):
    runs_sandbox = sandbox.sandbox_for(dataclasses.replace(settings, run_sandbox="required"))
    argv = runs_sandbox.launch_argv(["/bin/true"], tmp_path)
    wrapped = Launch(wrap=lambda a: a, limits=None, wrapper_dies_with_parent=True)
    assert wrapped.preexec is None  # so Popen can use vfork
    assert DIRECT.preexec is not None  # unsandboxed, the engine is told to die with the worker after the fork
    if runs_sandbox.prlimit is None:  # the limits are then set after a fork, as before
        assert argv[0] == runs_sandbox.bwrap
        return
    assert argv[0] == runs_sandbox.prlimit and argv[argv.index("--") + 1] == runs_sandbox.bwrap
    assert [a.split("=")[0] for a in argv[1:argv.index("--")]] == ["--data", "--nproc", "--fsize"]
