"""Runs (one engine execution for a resource) and their captured log lines."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, BigId, JsonType, UtcDateTime, new_id, utcnow
from service.runs import run_states
from service.runs.run_states import RunAction, RunStatus


class RunKind(StrEnum):
    PROVISION = "provision"
    DESTROY = "destroy"
    PLAN = "plan"  # a dry run: the resource's state and status stay as they are
    DRIFT_CHECK = "drift_check"  # a scheduled plan; changes found mark the resource `unknown`


# Runs that only plan: they never move the resource through provisioning or save state.
DRY_RUN_KINDS = (RunKind.PLAN, RunKind.DRIFT_CHECK)


_ACTIVE_SQL = text("status IN ('queued', 'running')")


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_resource_created", "resource_id", "created_at"),
        Index("ix_runs_status_created", "status", "created_at"),
        # At most one active run per resource, enforced by the database so two concurrent requests
        # cannot both queue one.
        Index(
            "uq_runs_one_active_per_resource",
            "resource_id",
            unique=True,
            postgresql_where=_ACTIVE_SQL,
            sqlite_where=_ACTIVE_SQL,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    resource_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.QUEUED)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set once the message has reached the broker; the sweeper re-publishes queued runs without it.
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Written by the worker while the engine runs; the sweeper fails running runs whose heartbeat stops.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancel_requested_by: Mapped[str | None] = mapped_column(String(300))
    cancel_force: Mapped[bool] = mapped_column(default=False)
    # Where the resource was before this run was queued, so cancelling a queued run can put it back.
    resource_state_before: Mapped[str | None] = mapped_column(String(20))
    resource_status_before: Mapped[str | None] = mapped_column(String(20))
    # Plan runs: counts and addresses of the changes (never attribute values, which may be secret).
    plan_summary: Mapped[dict | None] = mapped_column(JsonType)
    # The run's credential for the state backend, hashed; it works only while the run is running.
    state_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    worker: Mapped[str | None] = mapped_column(String(200))
    engine: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    # Outputs as the run left them, sensitive values already removed.
    outputs: Mapped[dict | None] = mapped_column(JsonType)
    log_line_count: Mapped[int] = mapped_column(default=0)
    # The change request whose values this run plans or applies (the resource's own values otherwise).
    change_id: Mapped[uuid.UUID | None] = mapped_column()

    def move(self, action: RunAction, reason: str | None = None) -> None:
        """Move through the run state machine (raises InvalidRunTransition); a finished run records when and,
        with `reason`, why."""
        self.status = run_states.apply(action, self.status)
        if self.status in run_states.FINISHED_RUN_STATUSES:
            self.finished_at = utcnow()
            if reason is not None:
                self.error = reason


class RunLogLine(Base):
    __tablename__ = "run_log_lines"
    __table_args__ = (Index("uq_run_log_lines_run_seq", "run_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    # 0-based position in the run's log, so a reader can resume from an offset.
    seq: Mapped[int] = mapped_column(BigInteger)
    line: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
