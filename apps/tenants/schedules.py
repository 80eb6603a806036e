from celery.schedules import crontab

BEAT_SCHEDULE = {
    "tenants.purge_expired_tenants": {"task": "tenants.purge_expired_tenants", "schedule": crontab(minute=17, hour=3)},
}
