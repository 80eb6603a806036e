from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Hourly: each tenant's period closes at midnight in its own time zone (plus the grace
    # of SETTLEMENT_GRACE_MINUTES); tenants with nothing due are not in the run.
    "settlement.start_run": {"task": "settlement.start_run", "schedule": crontab(minute=20)},
}
