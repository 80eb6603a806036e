from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Hourly: a branch's new hours or address reach the directory within the hour.
    "directory.sync_listings": {"task": "directory.sync_listings", "schedule": crontab(minute=41)},
}
