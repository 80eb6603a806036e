from celery.schedules import crontab

BEAT_SCHEDULE = {
    "billing-dunning": {"task": "billing.run_dunning", "schedule": crontab(minute=7)},
    # Yesterday's usage per tenant (apps.billing.usage), after the day's last requests are counted.
    "billing-usage-snapshot": {"task": "billing.collect_usage", "schedule": crontab(minute=20, hour=0)},
    "billing-usage-alerts": {"task": "billing.check_usage_alerts", "schedule": crontab(minute=41)},
    "billing-renewals": {"task": "billing.renew_subscriptions", "schedule": crontab(minute=3, hour=0)},
}
