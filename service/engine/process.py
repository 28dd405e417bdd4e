"""Run an engine command as a child process: stream its output by line, enforce a deadline."""

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

# After an interrupt the engine gets this long to release locks and write state before it is killed.
INTERRUPT_GRACE_SECONDS = 30


class EngineTimeout(Exception):
    pass


def _kill_group(process: subprocess.Popen) -> None:
    """Kill whatever is left in the run's process group (e.g. a backgrounded local-exec child)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _stop(process: subprocess.Popen, grace: float) -> None:
    """Interrupt the whole process group (local-exec children too), then kill what is left."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    _kill_group(process)
    process.wait()


def run_streaming(argv: list[str], cwd, env: dict, deadline: float, on_line: Callable[[str], None],
                  grace: float = INTERRUPT_GRACE_SECONDS) -> int:
    """The exit code; each output line (stdout and stderr merged, in order) goes to `on_line`.

    Raises EngineTimeout when `deadline` (a time.monotonic() value) passes first.
    """
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so a stop reaches grandchildren
    )

    def pump():
        for raw in process.stdout:
            on_line(raw.decode("utf-8", errors="replace").rstrip("\r\n"))

    reader = threading.Thread(target=pump, name="engine-output", daemon=True)
    reader.start()
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _stop(process, grace)
        raise EngineTimeout() from None
    finally:
        # Leftover children would hold the output pipe open (and outlive the run): none may survive it.
        _kill_group(process)
        reader.join()
        process.stdout.close()
    return process.returncode


def run_captured(argv: list[str], cwd, env: dict, deadline: float) -> tuple[int, str]:
    """(exit code, stdout) for short commands whose output is data, not log (e.g. `output -json`)."""
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=max(0.0, deadline - time.monotonic()), check=False,
        )
    except subprocess.TimeoutExpired:
        raise EngineTimeout() from None
    return done.returncode, done.stdout.decode("utf-8", errors="replace")
