"""`infrakitchen`: serve the API, run a worker, migrate, issue tokens, or start a whole demo."""

import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from service import crypto, db
from service.auth import auth_service
from service.config import ConfigError, Settings, load_settings
from service.crypto import box_for
from service.demo import run_demo
from service.demo.demo_log import demo_log_file, log_to_file
from service.engine.sandbox import SandboxUnavailable
from service.errors import DomainError
from service.integrations import integration_service
from service.migrate import upgrade
from service.resources import resource_service
from service.server import run_server
from service.worker import run_worker

log = logging.getLogger("infrakitchen")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def _logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _prepare(settings: Settings) -> None:
    """Keys read once; on the embedded default the schema is created on first start (PostgreSQL is migrated
    explicitly)."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    crypto.set_key_ring(box_for(settings))
    if settings.embedded:
        log.warning("embedded default: SQLite and a local queue under %s (not for production)", settings.data_dir)
        upgrade(settings.database_url)


@click.group()
def main() -> None:
    """InfraKitchen: self-service infrastructure from OpenTofu templates."""


@main.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run again)."""
    settings = _settings()
    _logging(settings)
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    crypto.set_key_ring(box_for(settings))  # a migration may seal values
    upgrade(settings.database_url)
    click.echo("database schema is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7777, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Server processes.")
@click.option("--threads", default=100, show_default=True, type=int,
              help="Threads per process; each open WebSocket holds one.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the REST API and the WebSocket."""
    settings = _settings()
    _logging(settings)
    _prepare(settings)
    run_server(settings, host, port, workers, threads)


@main.command()
@click.option("--concurrency", default=2, show_default=True, type=int, help="Runs at once.")
@click.option("--beat/--no-beat", default=False, show_default=True,
              help="Also run the periodic sweeper (recovers runs of lost workers, re-publishes queued runs).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), hidden=True,
              help="Log to this file, and only warnings to the console (how `infrakitchen demo` runs its worker).")
def worker(concurrency: int, beat: bool, log_file: Path | None) -> None:
    """Run a worker that executes runs with the IaC engine."""
    settings = _settings()
    if log_file:
        log_to_file(settings.log_level, log_file)
    else:
        _logging(settings)
    _prepare(settings)
    try:
        run_worker(settings, concurrency, beat)
    except SandboxUnavailable as error:
        raise click.ClickException(
            f"not starting: RUN_SANDBOX=required and runs cannot be sandboxed: {error}. Fix that, or set "
            "RUN_SANDBOX=auto (development only) to run modules unsandboxed"
        ) from None


@main.group()
def token() -> None:
    """Service-account tokens."""


@token.command("create")
@click.option("--name", required=True, help="A unique name for the account.")
@click.option("--role", required=True, type=click.Choice(["admin", "platform", "member", "viewer"]))
@click.option("--expires-in-days", type=click.IntRange(min=1), help="Expire the token after this many days.")
def token_create(name: str, role: str, expires_in_days: int | None) -> None:
    """Create a service account and print its token (shown only this once)."""
    settings = _settings()
    _prepare(settings)
    db.bind(db.make_engine(settings.database_url))
    expires_at = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    try:
        _, secret = auth_service.create_service_account(name, role, expires_at)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(secret)


@token.command("revoke")
@click.option("--name", required=True, help="The account whose token stops working.")
def token_revoke(name: str) -> None:
    """Revoke a service account's token."""
    settings = _settings()
    _prepare(settings)
    db.bind(db.make_engine(settings.database_url))
    try:
        auth_service.revoke_service_account(auth_service.CLI, name=name)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"revoked {name}")


@main.group()
def user() -> None:
    """People who sign in through Backstage or OAuth."""


@user.command("role")
@click.argument("ref")
@click.argument("role", type=click.Choice(["admin", "platform", "member", "viewer", "default"]))
def user_role(ref: str, role: str) -> None:
    """Give the person REF (e.g. user:default/alice) a role; `default` gives back the default of how they sign
    in. Takes effect on their next request, even before their first login."""
    settings = _settings()
    _prepare(settings)
    db.bind(db.make_engine(settings.database_url))
    try:
        auth_service.set_user_role(auth_service.CLI, ref, None if role == "default" else role)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{ref}: {role}")


@main.group()
def keys() -> None:
    """Encryption keys of stored credentials."""


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored credential and sensitive value with the newest key in ENCRYPTION_KEYS (then drop
    the old keys)."""
    settings = _settings()
    _prepare(settings)
    db.bind(db.make_engine(settings.database_url))
    integrations = integration_service.rotate_keys(box_for(settings))
    resources = resource_service.reseal_secrets()
    click.echo(f"re-encrypted {integrations} integrations and the sensitive values of {resources} resources")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7777, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Start everything (worker + API) with a demo template, resource and provision run."""
    settings = _settings()
    log_to_file(settings.log_level, demo_log_file(settings))  # a short console; the rest in the data dir
    _prepare(settings)
    run_demo(settings, host, port)


if __name__ == "__main__":
    sys.exit(main())
