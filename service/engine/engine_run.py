"""One engine job in a fresh work dir: init, then apply or destroy, then read outputs and state back."""

import functools
import json
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from service.config import Settings
from service.engine import sandbox
from service.engine.plan_summary import summarize_plan
from service.engine.process import (
    DIRECT,
    EngineCancelled,
    EngineTimeout,
    Launch,
    RunControl,
    run_captured,
    run_streaming,
)
from service.errors import ValidationFailed
from service.templates import module_archive
from service.templates.module_archive import ModuleLimits

VAR_FILE = "infrakitchen.tfvars.json"
STATE_FILE = "terraform.tfstate"
PLAN_FILE = "infrakitchen.tfplan"
COMMON_FLAGS = ["-input=false", "-no-color"]


BACKEND_OVERRIDE = "infrakitchen_backend_override.tf"
# An override file replaces whatever backend the module declares, and works when it declares none.
BACKEND_OVERRIDE_TF = 'terraform {\n  backend "http" {}\n}\n'


@dataclass
class StateBackend:
    """The platform's HTTP state backend for one resource, and the run's credential for it."""

    address: str
    password: str

    def env(self) -> dict:
        return {
            "TF_HTTP_ADDRESS": self.address,
            "TF_HTTP_LOCK_ADDRESS": f"{self.address}/lock",
            "TF_HTTP_UNLOCK_ADDRESS": f"{self.address}/lock",
            "TF_HTTP_USERNAME": "run",
            "TF_HTTP_PASSWORD": self.password,
            # Ride out a short API restart instead of failing the run.
            "TF_HTTP_RETRY_MAX": "6",
        }


@dataclass
class EngineJob:
    kind: str  # "provision", "destroy" or "plan"
    archive: bytes
    module_path: str | None
    variables: dict
    # With a backend the engine reads, locks and writes state through the platform's API. Without one the
    # state is a local file handed in and read back (for driving the engine directly).
    backend: StateBackend | None = None
    state: bytes | None = None
    # Credentials of the resource's integrations, as environment variables for the engine and its providers.
    environment: dict = field(default_factory=dict)


@dataclass
class EngineResult:
    succeeded: bool
    error: str | None = None
    outputs: dict | None = None  # `output -json` as the engine printed it
    state: bytes | None = None
    plan_summary: dict | None = None
    cancelled: bool = False


def engine_argv(settings: Settings) -> list[str]:
    if settings.engine_binary:
        return [settings.engine_binary]
    # The script by its path, in isolated mode: nothing of the service is imported, no PYTHON* variable is read.
    return [sys.executable, "-I", str(Path(sandbox.__file__).with_name("embedded_terraform.py"))]


def cli_config(plugin_cache: Path, sandboxed: bool) -> str:
    """The engine's CLI config. Unsandboxed runs share a provider cache they write to. A sandboxed run cannot
    write to anything shared (one run could plant a provider for another team's): it reads the cache as a
    mirror, when someone filled it (`tofu providers mirror`), and downloads what is missing into its own dir."""
    if not sandboxed:
        plugin_cache.mkdir(parents=True, exist_ok=True)
        return f'plugin_cache_dir = "{plugin_cache}"\n'
    if plugin_cache.is_dir() and any(plugin_cache.iterdir()):
        mirror = f'  filesystem_mirror {{\n    path = "{plugin_cache}"\n  }}\n'
        return f"provider_installation {{\n{mirror}  direct {{}}\n}}\n"
    return ""


def engine_env(work_dir: Path, plugin_cache: Path, sandboxed: bool = False) -> dict:
    """A clean environment: the service's own variables (database URL, keys) never reach a module."""
    config_file = work_dir / "engine.tfrc"
    # Our own CLI config: the engine never reads the worker's home.
    config_file.write_text(cli_config(plugin_cache, sandboxed))
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work_dir),
        "TMPDIR": str(work_dir),
        "LANG": "C.UTF-8",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "TF_CLI_CONFIG_FILE": str(config_file),
        "CHECKPOINT_DISABLE": "1",
    }


def run_job(job: EngineJob, settings: Settings, run_name: str, emit: Callable[[str], None],
            control: RunControl | None = None) -> EngineResult:
    """Run `job` (sandboxed unless RUN_SANDBOX says otherwise); every log line goes to `emit`. State is read
    back even when a step fails. Raises SandboxUnavailable when RUN_SANDBOX=required and none can be made."""
    runs_sandbox = sandbox.sandbox_for(settings)
    work_dir = _fresh_work_dir(settings.work_dir, run_name)
    result = None
    try:
        launch = DIRECT
        if runs_sandbox is not None:
            visible = (*sandbox.engine_paths(settings.engine_binary), settings.plugin_cache_dir)
            launch = Launch(wrap=functools.partial(runs_sandbox.wrap, work_dir=work_dir, read_only=visible),
                            limits=runs_sandbox.apply_limits)
        result = _run_in(work_dir, job, settings, emit, control or RunControl(), launch)
        return result
    finally:
        if result is not None and not result.succeeded and settings.keep_failed_work_dirs:
            emit(f"work dir kept (KEEP_FAILED_WORK_DIRS): {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)


def _fresh_work_dir(root: Path, run_name: str) -> Path:
    """`root/run_name`, new and 0700. `root` must be a real directory of ours that nobody else can write to
    (it may sit in a shared /tmp, where someone could have made it first)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(root)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise OSError(f"{root} (WORK_DIR) must be a directory owned by this user that others cannot write to")
    work_dir = root / run_name
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(mode=0o700)
    return work_dir


def _steps(base: list[str], kind: str) -> list[tuple[str, list[str]]]:
    var_file = f"-var-file={VAR_FILE}"
    main = {
        "provision": ("apply", [*base, "apply", "-auto-approve", var_file, *COMMON_FLAGS]),
        "destroy": ("destroy", [*base, "destroy", "-auto-approve", var_file, *COMMON_FLAGS]),
        "plan": ("plan", [*base, "plan", f"-out={PLAN_FILE}", var_file, *COMMON_FLAGS]),
    }[kind]
    return [("init", [*base, "init", *COMMON_FLAGS]), main]


def _run_in(work_dir: Path, job: EngineJob, settings: Settings, emit, control: RunControl,
            launch: Launch) -> EngineResult:
    source = work_dir / "src"
    try:
        module_archive.unpack(job.archive, source, ModuleLimits.of(settings))
    except ValidationFailed as error:  # a version registered before this server's limits
        return EngineResult(succeeded=False, error=error.message)
    module = source / (job.module_path or ".")
    (module / VAR_FILE).write_text(json.dumps(job.variables))
    env = {**job.environment, **engine_env(work_dir, settings.plugin_cache_dir, launch.wrapped)}
    if job.backend is not None:
        (module / BACKEND_OVERRIDE).write_text(BACKEND_OVERRIDE_TF)
        env.update(job.backend.env())
    elif job.state:
        (module / STATE_FILE).write_bytes(job.state)
    base = engine_argv(settings)
    timeout = settings.timeout_for(job.kind)
    deadline = time.monotonic() + timeout
    result = EngineResult(succeeded=True)
    try:
        for name, argv in _steps(base, job.kind):
            emit(f"==> {name}")
            code = run_streaming(argv, module, env, deadline, emit, control, launch=launch)
            if code != 0:
                result = EngineResult(succeeded=False, error=f"{name} failed with exit code {code}")
                break
        if result.succeeded and job.kind == "provision":
            result.outputs = _read_json(base, "output", module, env, deadline, emit, launch)
        if result.succeeded and job.kind == "plan":
            result.plan_summary = summarize_plan(_read_json(base, "show", module, env, deadline, emit, launch,
                                                            PLAN_FILE))
    except EngineTimeout:
        result = EngineResult(succeeded=False, error=f"timed out after {timeout} s")
    except EngineCancelled:
        result = EngineResult(succeeded=False, cancelled=True, error="cancelled")
    except OSError as error:
        result = EngineResult(succeeded=False, error=f"could not start the engine: {error.strerror}")
    state_file = module / STATE_FILE
    # A plan never changes the platform's copy of the state (its refresh is not saved).
    if job.backend is None and job.kind != "plan" and state_file.exists():
        result.state = state_file.read_bytes()
    return result


def _read_json(base: list[str], command: str, module: Path, env: dict, deadline: float, emit, launch: Launch,
               *args) -> dict:
    """`<command> -json` as data (never logged: it holds sensitive values); {} with a log line on failure."""
    code, stdout = run_captured([*base, command, "-json", "-no-color", *args], module, env, deadline, launch)
    try:
        if code == 0:
            return json.loads(stdout or "{}")
    except json.JSONDecodeError:
        pass
    emit(f"warning: could not read `{command} -json` (exit code {code})")
    return {}
