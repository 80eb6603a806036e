from celery import shared_task

from .models import Backup, Restore


@shared_task(name="backups.run_backup", acks_late=True)
def run_backup(backup_id: int) -> str:
    """One backup (the portal's "Back up now", beat's scheduled ones). Failure is recorded
    on the row and in the audit log; an operator starts another."""
    from .services import backup_run

    try:
        return backup_run(backup_id=backup_id).status
    except Backup.DoesNotExist:
        return "missing"


@shared_task(name="backups.run_restore", acks_late=True)
def run_restore(restore_id: int) -> str:
    from .services import restore_run

    try:
        return restore_run(restore_id=restore_id).status
    except Restore.DoesNotExist:
        return "missing"


@shared_task(name="backups.schedule_backups")
def schedule_backups() -> list[int]:
    """Beat: a daily backup of every tenant whose plan gets them (apps.backups.schedule)."""
    from .schedule import backups_schedule

    return backups_schedule()


@shared_task(name="backups.prune_backups")
def prune_backups() -> int:
    """Beat: remove backups past their retention (files and rows)."""
    from .schedule import backups_prune

    return backups_prune()
