"""A job through each engine available here: the embedded one always, `tofu`/`terraform` binaries when on PATH."""

import dataclasses
import json
import shutil

import pytest
from factories.modules import FAILING_TF, GREETER_TF, write_module

from service.engine.engine_run import EngineJob, run_job
from service.templates import module_archive
from service.templates.module_archive import ModuleLimits

ENGINES = [None] + [name for name in ("tofu", "terraform") if shutil.which(name)]


@pytest.fixture(params=ENGINES, ids=lambda e: e or "embedded")
def engine_settings(request, settings, tmp_path):
    binary = shutil.which(request.param) if request.param else None
    return dataclasses.replace(settings, engine_binary=binary, work_dir=tmp_path / "work")


def _job(tmp_path, main_tf, kind="provision", variables=None, state=None) -> EngineJob:
    module = write_module(tmp_path / "src" / "mod", main_tf)
    archive = module_archive.pack(module.parent, ModuleLimits())
    return EngineJob(kind=kind, archive=archive, module_path="mod", variables=variables or {"name": "x"},
                     state=state)


def test_provision_then_destroy_round_trips_state(engine_settings, tmp_path):
    lines = []
    applied = run_job(_job(tmp_path, GREETER_TF, variables={"name": "e", "count_of": 2}), engine_settings,
                      "r1", lines.append)
    assert applied.succeeded, lines
    assert applied.outputs["greetings"]["value"] == ["hello e 0", "hello e 1"]
    assert len(json.loads(applied.state)["resources"]) == 1
    assert lines[0] == "==> init"

    destroyed = run_job(_job(tmp_path / "again", GREETER_TF, "destroy", {"name": "e", "count_of": 2}, applied.state),
                        engine_settings, "r2", lines.append)
    assert destroyed.succeeded
    assert json.loads(destroyed.state)["resources"] == []
    assert not (engine_settings.work_dir / "r1").exists(), "work dirs are removed after the run"


def test_a_failing_apply_reports_the_step_and_keeps_the_state(engine_settings, tmp_path):
    lines = []
    result = run_job(_job(tmp_path, FAILING_TF), engine_settings, "r3", lines.append)
    assert not result.succeeded
    assert result.error == "apply failed with exit code 1"
    assert any("about to fail for x" in line for line in lines)
    assert result.state is not None  # the tainted resource is recorded, so a destroy can clean it up


def test_a_run_past_its_timeout_fails_with_the_reason(engine_settings, tmp_path):
    slow = 'resource "terraform_data" "slow" {\n  provisioner "local-exec" {\n    command = "sleep 30"\n  }\n}\n'
    quick = dataclasses.replace(engine_settings, apply_timeout_seconds=3)
    result = run_job(_job(tmp_path, slow, variables={}), quick, "r4", lambda _: None)
    assert not result.succeeded
    assert result.error == "timed out after 3 s"


def test_the_service_environment_does_not_reach_the_module(engine_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://secret-credentials@db/x")
    leak = ('resource "terraform_data" "env" {\n  provisioner "local-exec" {\n'
            '    command = "echo db=[$DATABASE_URL]"\n  }\n}\n')
    lines = []
    assert run_job(_job(tmp_path, leak, variables={}), engine_settings, "r5", lines.append).succeeded
    assert any("db=[]" in line for line in lines)


def test_a_work_dir_that_cannot_be_made_fails_the_job_with_the_reason(settings, tmp_path):
    (tmp_path / "work").write_text("a file where WORK_DIR should be")
    broken = dataclasses.replace(settings, work_dir=tmp_path / "work")
    result = run_job(_job(tmp_path, GREETER_TF), broken, "r6", lambda _: None)
    assert (result.succeeded, result.error) == (False, "WORK_DIR is not a directory")


def test_an_engine_killed_by_a_signal_is_named_and_a_missing_one_is_said_so(settings, tmp_path):
    binary = tmp_path / "engine" / "tofu"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\nkill -SEGV $$\n")
    binary.chmod(0o700)
    crashing = dataclasses.replace(settings, engine_binary=str(binary), work_dir=tmp_path / "work")
    result = run_job(_job(tmp_path, GREETER_TF), crashing, "r7", lambda _: None)
    assert (result.succeeded, result.error) == (False, "init failed: the engine was killed by SIGSEGV")
    binary.unlink()
    result = run_job(_job(tmp_path / "again", GREETER_TF), crashing, "r8", lambda _: None)
    assert result.error == "the engine binary is missing or not executable (ENGINE_BINARY)"
