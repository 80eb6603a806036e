from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Hourly: tenants due their daily backup (a day after the last) are queued, spread over the day.
    "backups.schedule_backups": {"task": "backups.schedule_backups", "schedule": crontab(minute=41)},
    "backups.prune_backups": {"task": "backups.prune_backups", "schedule": crontab(minute=7, hour=4)},
}
