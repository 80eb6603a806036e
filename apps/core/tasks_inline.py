"""Running Celery tasks in this process, for demo seeding and test fixtures where no
worker runs yet."""

from contextlib import contextmanager

from celery import current_app


@contextmanager
def tasks_in_process():
    """Tasks sent inside the block run right here, synchronously (Celery's eager mode);
    their errors propagate."""
    conf = current_app.conf
    previous = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = previous
