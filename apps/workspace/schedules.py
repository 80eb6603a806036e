from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Daily: export files kept past EXPORT_RETENTION_DAYS are removed (apps.workspace.export).
    "workspace-exports-prune": {"task": "workspace.exports_prune", "schedule": crontab(hour=3, minute=40)},
}
