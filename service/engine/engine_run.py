"""One engine job in a fresh work dir: init, then apply or destroy, then read outputs and state back."""

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.config import Settings
from service.engine.process import EngineTimeout, run_captured, run_streaming
from service.templates import module_archive

VAR_FILE = "infrakitchen.tfvars.json"
STATE_FILE = "terraform.tfstate"
COMMON_FLAGS = ["-input=false", "-no-color"]


@dataclass
class EngineJob:
    kind: str  # "provision" or "destroy"
    archive: bytes
    module_path: str | None
    variables: dict
    state: bytes | None


@dataclass
class EngineResult:
    succeeded: bool
    error: str | None = None
    outputs: dict | None = None  # `output -json` as the engine printed it
    state: bytes | None = None


def engine_argv(settings: Settings) -> list[str]:
    if settings.engine_binary:
        return [settings.engine_binary]
    return [sys.executable, "-m", "service.engine.embedded_terraform"]


def engine_env(work_dir: Path) -> dict:
    """A clean environment: the service's own variables (database URL, keys) never reach a module."""
    cli_config = work_dir / "engine.tfrc"
    cli_config.write_text("")  # an empty CLI config, so the engine does not look in the worker's home
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work_dir),
        "TMPDIR": str(work_dir),
        "LANG": "C.UTF-8",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
    }


def run_job(job: EngineJob, settings: Settings, run_name: str, emit: Callable[[str], None]) -> EngineResult:
    """Run `job`; every log line goes to `emit`. State is read back even when a step fails."""
    work_dir = settings.work_dir / run_name
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    try:
        return _run_in(work_dir, job, settings, emit)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def _run_in(work_dir: Path, job: EngineJob, settings: Settings, emit) -> EngineResult:
    source = work_dir / "src"
    module_archive.unpack(job.archive, source)
    module = source / (job.module_path or ".")
    (module / VAR_FILE).write_text(json.dumps(job.variables))
    if job.state:
        (module / STATE_FILE).write_bytes(job.state)
    env = engine_env(work_dir)
    base = engine_argv(settings)
    deadline = time.monotonic() + settings.run_timeout_seconds
    action = "apply" if job.kind == "provision" else "destroy"
    steps = [
        ("init", [*base, "init", *COMMON_FLAGS]),
        (action, [*base, action, "-auto-approve", f"-var-file={VAR_FILE}", *COMMON_FLAGS]),
    ]
    result = EngineResult(succeeded=True)
    try:
        for name, argv in steps:
            emit(f"==> {name}")
            code = run_streaming(argv, module, env, deadline, emit)
            if code != 0:
                result = EngineResult(succeeded=False, error=f"{name} failed with exit code {code}")
                break
        if result.succeeded and job.kind == "provision":
            result.outputs = _read_outputs(base, module, env, deadline)
    except EngineTimeout:
        result = EngineResult(succeeded=False, error=f"timed out after {settings.run_timeout_seconds} s")
    except OSError as error:
        result = EngineResult(succeeded=False, error=f"could not start the engine: {error.strerror}")
    state_file = module / STATE_FILE
    result.state = state_file.read_bytes() if state_file.exists() else None
    return result


def _read_outputs(base: list[str], module: Path, env: dict, deadline: float) -> dict:
    code, stdout = run_captured([*base, "output", "-json", "-no-color"], module, env, deadline)
    if code != 0:
        return {}
    try:
        return json.loads(stdout or "{}")
    except json.JSONDecodeError:
        return {}
