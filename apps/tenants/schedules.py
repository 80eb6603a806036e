from celery.schedules import crontab

BEAT_SCHEDULE = {
    "tenants.purge_expired_tenants": {"task": "tenants.purge_expired_tenants", "schedule": crontab(minute=17, hour=3)},
    # Hourly, so that a demo is suspended within an hour of its end (and warned in time).
    "tenants.expire_demo_tenants": {"task": "tenants.expire_demo_tenants", "schedule": crontab(minute=23)},
    # Every ten minutes: provisioning whose task was lost (the broker away at the commit).
    "tenants.resend_stuck_provisioning": {"task": "tenants.resend_stuck_provisioning",
                                          "schedule": crontab(minute="*/10")},
    # Last activity (apps.tenants.activity): Redis -> the tenant rows, every five minutes.
    "tenants.flush_last_activity": {"task": "tenants.flush_last_activity", "schedule": crontab(minute="*/5")},
    # Custom domains (apps.tenants.domains): pending ones verified, lost records flagged.
    "tenants.verify_domains": {"task": "tenants.verify_domains", "schedule": crontab(minute="*/10")},
}
