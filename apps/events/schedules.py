BEAT_SCHEDULE = {
    "events-sweep": {"task": "events.sweep", "schedule": 60.0},
}
