"""One engine job in a fresh work dir: init, then apply or destroy, then read outputs and state back."""

import errno
import functools
import json
import logging
import os
import shutil
import signal
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

log = logging.getLogger(__name__)
VAR_FILE = "infrakitchen.tfvars.json"
STATE_FILE = "terraform.tfstate"
PLAN_FILE = "infrakitchen.tfplan"
COMMON_FLAGS = ["-input=false", "-no-color"]
# A step that fails with less than this free on the work dir's file system failed for want of space.
LOW_SPACE_BYTES = 1024 * 1024
# What run.error says when the work dir cannot be used (no path: the error is shown to the resource's users).
WORK_DIR_ERRORS = {
    errno.ENOSPC: "no space left on the run's work dir (WORK_DIR)",
    errno.EDQUOT: "no space left on the run's work dir (WORK_DIR): disk quota exceeded",
    errno.EROFS: "the run's work dir is on a read-only file system (WORK_DIR)",
    errno.ENOTDIR: "WORK_DIR is not a directory",
    errno.EEXIST: "WORK_DIR is not a directory",
    errno.EACCES: "the run's work dir cannot be written to (WORK_DIR): permission denied",
    errno.EPERM: "the run's work dir cannot be written to (WORK_DIR): operation not permitted",
}


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
    # With a backend: the platform's copy of the state, as the engine left it there. After an apply the outputs
    # are read from it, instead of from one more engine process (`output -json`, which would fetch that same
    # state through the API). None, or a state it cannot read outputs from (encrypted), falls back to the engine.
    read_state: Callable[[], bytes | None] | None = None


@dataclass
class EngineResult:
    succeeded: bool
    error: str | None = None
    outputs: dict | None = None  # `output -json` as the engine printed it
    state: bytes | None = None
    plan_summary: dict | None = None
    cancelled: bool = False
    # Seconds per phase: `prepare` (work dir, module, files), each engine step, `cleanup` (the work dir removed).
    timings: dict[str, float] = field(default_factory=dict)


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
    timings: dict[str, float] = {}
    if settings.engine_binary and not os.access(settings.engine_binary, os.X_OK):
        # Checked at start (config), but a binary can go away later; in a sandbox it would be a bare exit code.
        return EngineResult(succeeded=False, error="the engine binary is missing or not executable (ENGINE_BINARY)")
    try:
        work_dir = _fresh_work_dir(settings.work_dir, run_name)
    except OSError as error:
        return EngineResult(succeeded=False, error=work_dir_error(error, settings.work_dir))
    result = None
    try:
        launch = DIRECT
        if runs_sandbox is not None:
            visible = (*sandbox.engine_paths(settings.engine_binary), settings.plugin_cache_dir)
            # bwrap --die-with-parent ends the sandbox with the worker; prlimit, when there is one, sets the limits.
            launch = Launch(wrap=functools.partial(runs_sandbox.launch_argv, work_dir=work_dir, read_only=visible),
                            limits=None if runs_sandbox.prlimit else runs_sandbox.apply_limits,
                            wrapper_dies_with_parent=True)
        result = _run_in(work_dir, job, settings, emit, control or RunControl(), launch, timings)
        return result
    finally:
        started = time.monotonic()
        if result is not None and not result.succeeded and settings.keep_failed_work_dirs:
            emit(f"work dir kept (KEEP_FAILED_WORK_DIRS): {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
        timings["cleanup"] = time.monotonic() - started
        if result is not None:
            result.timings = timings


def work_dir_error(error: OSError, root: Path) -> str:
    """run.error for a work dir that cannot be made or written (the worker's log has the path and the cause)."""
    log.warning("the run's work dir under %s cannot be used: %s", root, error)
    return WORK_DIR_ERRORS.get(error.errno) or (
        f"could not prepare the run's work dir (WORK_DIR): {error.strerror or error}")


def _fresh_work_dir(root: Path, run_name: str) -> Path:
    """`root/run_name`, new and 0700. `root` must be a real directory of ours that nobody else can write to
    (it may sit in a shared /tmp, where someone could have made it first)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(root)
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(root))
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
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
            launch: Launch, timings: dict[str, float]) -> EngineResult:
    started = time.monotonic()
    source = work_dir / "src"
    try:
        module, env = _prepare(work_dir, source, job, settings, launch)
    except ValidationFailed as error:  # a version registered before this server's limits
        return EngineResult(succeeded=False, error=error.message)
    except OSError as error:  # a full disk, a read-only mount
        return EngineResult(succeeded=False, error=work_dir_error(error, settings.work_dir))
    base = engine_argv(settings)
    timeout = settings.timeout_for(job.kind)
    deadline = time.monotonic() + timeout
    result = EngineResult(succeeded=True)
    timings["prepare"] = time.monotonic() - started
    try:
        for name, argv in _steps(base, job.kind):
            emit(f"==> {name}")
            started = time.monotonic()
            code = run_streaming(argv, module, env, deadline, emit, control, launch=launch)
            timings[name] = time.monotonic() - started
            if code != 0:
                result = EngineResult(succeeded=False, error=_step_failure(name, code, work_dir, launch))
                break
        started = time.monotonic()
        if result.succeeded and job.kind == "provision":
            result.outputs = outputs_in_state(_state_written(job, module))
            if result.outputs is None:
                result.outputs = _read_json(base, "output", module, env, deadline, emit, launch)
            timings["output"] = time.monotonic() - started
        if result.succeeded and job.kind == "plan":
            result.plan_summary = summarize_plan(_read_json(base, "show", module, env, deadline, emit, launch,
                                                            PLAN_FILE))
            timings["show"] = time.monotonic() - started
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


def _prepare(work_dir: Path, source: Path, job: EngineJob, settings: Settings, launch: Launch) -> tuple[Path, dict]:
    """The module unpacked with its var file (and backend override or state) beside it; (its dir, the engine's
    environment)."""
    module_archive.unpack(job.archive, source, ModuleLimits.of(settings))
    module = source / (job.module_path or ".")
    (module / VAR_FILE).write_text(json.dumps(job.variables))
    env = {**job.environment, **engine_env(work_dir, settings.plugin_cache_dir, launch.wrapped)}
    if job.backend is not None:
        (module / BACKEND_OVERRIDE).write_text(BACKEND_OVERRIDE_TF)
        env.update(job.backend.env())
    elif job.state:
        (module / STATE_FILE).write_bytes(job.state)
    return module, env


def _step_failure(name: str, code: int, work_dir: Path, launch: Launch) -> str:
    """run.error for a step that exited `code`: a crash by its signal (a sandbox's wrapper reports a child killed
    by signal N as 128 + N), a full work dir as such, else the exit code (the log has the engine's words)."""
    signalled = -code if code < 0 else code - 128 if launch.wrapped and 128 < code < 128 + signal.NSIG else None
    if signalled:
        try:
            signal_name = signal.Signals(signalled).name
        except ValueError:
            signal_name = f"signal {signalled}"
        return f"{name} failed: the engine was killed by {signal_name}"
    try:
        if shutil.disk_usage(work_dir).free < LOW_SPACE_BYTES:
            return f"{name} failed: no space left on the run's work dir (WORK_DIR)"
    except OSError:
        pass
    return f"{name} failed with exit code {code}"


def _state_written(job: EngineJob, module: Path) -> bytes | None:
    """The state the engine has just written: the platform's copy with a backend, else the local file."""
    if job.backend is not None:
        return job.read_state() if job.read_state is not None else None
    state_file = module / STATE_FILE
    return state_file.read_bytes() if state_file.exists() else None


def outputs_in_state(body: bytes | None) -> dict | None:
    """The root module's outputs as `output -json` prints them ({name: {sensitive, type, value}}), read from a
    state document (format 4, which `output` itself reads them from); None when it holds none we can read: no
    state, or one the engine encrypted (OpenTofu's state encryption), which only the engine can open."""
    if not body:
        return None
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("version") != 4 or "encrypted_data" in document:
        return None
    outputs = document.get("outputs", {})
    if not isinstance(outputs, dict) or not all(isinstance(item, dict) for item in outputs.values()):
        return None
    return {name: {"sensitive": bool(item.get("sensitive", False)), "type": item.get("type"),
                   "value": item.get("value")} for name, item in outputs.items()}


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
