"""Read a module's interface in a child process, bounded in time and memory.

The HCL parser is pure Python: a few megabytes of crafted `.tf` took a minute of CPU and over a gigabyte in the
API process, holding the GIL (and so every other request) meanwhile. In a child, the request thread only waits,
the child's memory is capped, and a parse that runs over its time is killed.
"""

import json
import resource
import subprocess
import sys
from pathlib import Path

from service.templates.module_parser import ModuleParseError, parse_module

PARSE_SECONDS = 30
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024


def read_interface(directory: Path, seconds: float = PARSE_SECONDS) -> dict:
    """{"variables": [...], "outputs": [...]} of the module in `directory`; raises ModuleParseError."""
    try:
        child = subprocess.run(  # noqa: S603 (our own interpreter and module, the path as an argument)
            [sys.executable, "-I", "-m", __name__, str(directory)], capture_output=True, text=True,
            timeout=seconds, stdin=subprocess.DEVNULL, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ModuleParseError(f"reading the module took longer than {seconds:g} s") from None
    try:
        answer = json.loads(child.stdout)
    except ValueError:
        # Killed (out of memory is the likely cause) or crashed: nothing it printed is worth showing.
        raise ModuleParseError("the module could not be read within this server's memory limit") from None
    if "error" in answer:
        raise ModuleParseError(answer["error"])
    return answer


def main(directory: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PARSE_MEMORY_BYTES, PARSE_MEMORY_BYTES))
    try:
        print(json.dumps(parse_module(Path(directory)).to_dict()))
    except ModuleParseError as error:
        print(json.dumps({"error": str(error)}))
    except MemoryError:
        print(json.dumps({"error": "the module could not be read within this server's memory limit"}))


if __name__ == "__main__":
    main(sys.argv[1])
