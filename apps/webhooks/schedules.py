BEAT_SCHEDULE = {
    "webhooks-retry-due": {"task": "webhooks.retry_due", "schedule": 30.0},
}
