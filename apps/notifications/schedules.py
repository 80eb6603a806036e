BEAT_SCHEDULE = {
    # Every minute: SMS held back by quiet hours, retries after their wait, lost tasks.
    "notifications-send-due": {"task": "notifications.send_due", "schedule": 60.0},
}
