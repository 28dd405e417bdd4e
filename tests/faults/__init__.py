"""The fault suite (issue 14): each test breaks one thing under a bounded load of provisions and reads against a
served API, then checks the same invariants (invariants.py).

- test_postgres_restart: PostgreSQL stopped and started (FAULT_POSTGRES_OUTAGE_SECONDS, default 6)
- test_broker_outage: RabbitMQ stopped and started (FAULT_BROKER_OUTAGE_SECONDS, default 30)
- test_worker_killed: a worker killed with -9 mid-apply, and after a successful apply
- test_run_environment: a full or read-only work dir, WORK_DIR a file, an engine that crashes or is gone
- test_state_lock_contention: 50 engines locking one state at once
- test_embedded_load: the embedded default (SQLite, filesystem queue) under load

The servers they stop are private (servers.py: a PostgreSQL cluster and a RabbitMQ node of the suite's own); the
shared ones on :5432 and :5672 are only used, never stopped.
"""
