"""Private servers for the fault suite: a PostgreSQL cluster and a RabbitMQ node of its own, which its tests stop
and start at will. Nothing here touches the shared servers on :5432 and :5672 that other tests and benchmarks on
this machine use."""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from support import free_port, wait_for

from service.migrate import upgrade

START_TIMEOUT = 60


def _as_user(user: str) -> list[str]:
    """The command prefix that runs a server as `user` when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", user, "--"]


def _give_to(path: Path, user: str) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries here (Debian keeps them off PATH), or None."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, on a free port of 127.0.0.1 (trust authentication)."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
        # Not under pytest's tmp_path: the server's user must be able to reach it.
        self.root = Path(tempfile.mkdtemp(prefix="ik-fault-pg-"))
        _give_to(self.root, self.user)
        self.data = self.root / "data"
        self.port = free_port()
        self._databases = 0
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*_as_user(self.user), str(self.bin_dir / tool), *args], capture_output=True, text=True,
                              timeout=START_TIMEOUT, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        # fsync off: a disposable cluster; `stop` shuts down cleanly, so a restart loses nothing.
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w",
                  "-t", str(START_TIMEOUT), "start")

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended, as in a restart for maintenance or a failover."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(START_TIMEOUT), "stop")

    @property
    def running(self) -> bool:
        return subprocess.run([*_as_user(self.user), str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "status"],
                              capture_output=True, check=False).returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new database on this cluster, migrated to the newest schema."""
        self._databases += 1
        name = f"ik_fault_{os.getpid()}_{self._databases}"
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        upgrade(self.url(name))
        return self.url(name)

    def destroy(self) -> None:
        if self.running:
            subprocess.run([*_as_user(self.user), str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m",
                            "immediate", "-w", "stop"], capture_output=True, timeout=START_TIMEOUT, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


# Debian's /usr/sbin wrappers run RabbitMQ as its own user, and only for root; anyone else runs the scripts.
RABBITMQ_SCRIPTS = Path("/usr/lib/rabbitmq/bin")


def rabbitmq_tools() -> tuple[str, str] | None:
    if os.geteuid() != 0 and (RABBITMQ_SCRIPTS / "rabbitmq-server").exists():
        return str(RABBITMQ_SCRIPTS / "rabbitmq-server"), str(RABBITMQ_SCRIPTS / "rabbitmqctl")
    server, control = shutil.which("rabbitmq-server"), shutil.which("rabbitmqctl")
    return (server, control) if server and control else None


class PrivateRabbitMQ:
    """A RabbitMQ node of its own (own node name, AMQP and distribution ports, data and log dirs, no plugins),
    next to whatever node the machine runs; its application is stopped and started without touching any other."""

    def __init__(self, server: str, control: str):
        self.server, self.control = server, control
        self.node = f"ikfault{os.getpid()}@localhost"
        self.port, self.dist_port = free_port(), free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ik-fault-rabbitmq-"))
        (self.root / "enabled_plugins").write_text("[].\n")
        user = "rabbitmq" if os.geteuid() == 0 else pwd.getpwuid(os.getuid()).pw_name
        for path in (self.root, self.root / "enabled_plugins"):
            _give_to(path, user)
        self.env = {
            **os.environ,
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.root / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.root / "log"),
            "RABBITMQ_PID_FILE": str(self.root / "node.pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.root / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.root / "none"),  # no config file: the defaults (guest from localhost)
        }
        if os.geteuid() != 0:  # the node and its CLI share an Erlang cookie in a home of their own
            self.env["HOME"] = str(self.root)
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def _ctl(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        done = subprocess.run([self.control, "-n", self.node, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        subprocess.run([self.server, "-detached"], env=self.env, capture_output=True, timeout=START_TIMEOUT,
                       check=True)
        # `-detached` returns before the node exists; await_startup needs it to be there first.
        wait_for(self._answers, timeout=START_TIMEOUT, interval=0.5, what="the private RabbitMQ node")
        self._ctl("await_startup", "--timeout", str(START_TIMEOUT))

    def _answers(self) -> bool:
        return subprocess.run([self.control, "-n", self.node, "ping"], env=self.env, capture_output=True,
                              timeout=START_TIMEOUT, check=False).returncode == 0

    def stop_app(self) -> None:
        """RabbitMQ itself stopped (connections dropped, the port closed); the Erlang node stays up."""
        self._ctl("stop_app")

    def start_app(self) -> None:
        self._ctl("start_app")
        self._ctl("await_startup", "--timeout", str(START_TIMEOUT))

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self._ctl("stop", timeout=30)
        pid = self._pid()
        deadline = time.monotonic() + 15
        while pid is not None and time.monotonic() < deadline and self._alive(pid):
            time.sleep(0.2)
        if pid is not None and self._alive(pid):  # our own node, by the pid it wrote: never left running
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)

    def _pid(self) -> int | None:
        try:
            return int((self.root / "node.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
