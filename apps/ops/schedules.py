from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Retention (apps.ops.retention): once a day, in the quiet hours.
    "ops.retention": {"task": "ops.retention", "schedule": crontab(minute=41, hour=3)},
}
