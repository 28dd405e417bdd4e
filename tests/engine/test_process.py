"""The engine's child process: output streamed in order, deadline enforced on the whole process group."""

import sys
import time

import pytest

from service.engine.process import EngineTimeout, run_captured, run_streaming


def test_lines_arrive_in_order_and_the_exit_code_is_returned(tmp_path):
    lines = []
    script = "import sys\nfor i in range(3): print(f'line {i}', flush=True)\nprint('err', file=sys.stderr)\nsys.exit(4)"
    code = run_streaming([sys.executable, "-c", script], tmp_path, {}, time.monotonic() + 30, lines.append)
    assert code == 4
    assert lines[:3] == ["line 0", "line 1", "line 2"]
    assert "err" in lines


def test_a_command_past_its_deadline_is_interrupted_with_its_children(tmp_path):
    started = time.monotonic()
    with pytest.raises(EngineTimeout):
        run_streaming(["sh", "-c", "sleep 30 & wait"], tmp_path, {"PATH": "/usr/bin:/bin"},
                      time.monotonic() + 0.5, lambda _: None, grace=1)
    assert time.monotonic() - started < 10


def test_captured_output_is_returned_not_streamed(tmp_path):
    code, out = run_captured([sys.executable, "-c", "print('{}')"], tmp_path, {}, time.monotonic() + 30)
    assert (code, out.strip()) == (0, "{}")
