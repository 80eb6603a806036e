BEAT_SCHEDULE = {
    # Daily: every academy's sessions for the coming weeks (ACADEMY_SESSION_HORIZON_DAYS).
    "academy-sessions-generate": {"task": "academy.sessions_generate", "schedule": 24 * 60 * 60.0},
    # Every 5 minutes: offered seats past their deadline go to the next in line.
    "academy-offers-expire": {"task": "academy.offers_expire", "schedule": 5 * 60.0},
    # Hourly: on and after each academy's billing day, the month's tuition invoices.
    "academy-tuition-issue": {"task": "academy.tuition_issue", "schedule": 60 * 60.0},
    # Daily: guardians reminded of overdue tuition (AcademySettings says how often).
    "academy-tuition-remind": {"task": "academy.tuition_remind", "schedule": 24 * 60 * 60.0},
}
