"""The Celery app. RabbitMQ (or, on the embedded default, kombu's filesystem transport) only wakes workers:
the run rows in the database are the record, so every setting here favours 'deliver again' over 'lose'.
"""

from celery import Celery

from service.config import Settings


class InfraCelery(Celery):
    settings: Settings


def make_celery(settings: Settings) -> InfraCelery:
    app = InfraCelery(
        "infrakitchen", broker=settings.broker_url, include=["celery_tasks.run_task"]
    )
    app.settings = settings
    app.conf.update(
        task_default_queue=settings.run_queue,
        # A priority queue: when runs back up, applies and destroys go before plans, plans before drift checks.
        task_queue_max_priority=9,
        task_default_priority=5,
        # Ack after the task body returns: a worker killed mid-run leaves the message for redelivery, and the
        # compare-and-set claim turns a redelivery of a finished or running run into a no-op.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Celery's "reduce the prefetch count after a reconnect, restore it as tasks finish" can leave a worker
        # consuming nothing after RabbitMQ comes back while runs were in flight (celery#9512; seen here with the
        # thread pool, tests/faults/test_broker_outage.py): it starts again at its full (small) prefetch instead.
        worker_enable_prefetch_count_reduction=False,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Cancels travel through the database, so no worker needs a broadcast (pidbox) queue.
        worker_enable_remote_control=False,
        task_serializer="json",
        accept_content=["json"],
    )
    if settings.broker_url.startswith("filesystem"):
        queue_dir = settings.data_dir / "broker"
        (queue_dir / "processed").mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = {
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "processed_folder": str(queue_dir / "processed"),
            # kombu's default is ./control, wherever the process was started.
            "control_folder": str(queue_dir / "control"),
            "store_processed": False,
        }
    return app


def publisher(app: Celery):
    """A `publish(task_name, args)` for service.messaging, with a short retry so a request never hangs."""

    def publish(task_name: str, args: tuple, priority: int) -> None:
        app.send_task(
            task_name, args=list(args), queue=app.settings.run_queue, priority=priority, retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        )

    return publish
