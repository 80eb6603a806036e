from celery.schedules import crontab

BEAT_SCHEDULE = {
    "billing-dunning": {"task": "billing.run_dunning", "schedule": crontab(minute=7)},
    "billing-renewals": {"task": "billing.renew_subscriptions", "schedule": crontab(minute=3, hour=0)},
}
