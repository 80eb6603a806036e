"""The messages an academy starts with, in English and Korean: students and their
guardians (the notifications' "customer" audience reaches a student's guardian
contacts) hear when a student is late or absent, when a session is cancelled or moved,
when a seat is offered from the waitlist, and when an enrolment is confirmed.

`seed_academy_templates` is a provisioning step (settings.PROVISIONING_STEPS, after the
notifications' defaults) for workspaces of business type "academy"; an existing
workspace gets them by calling it in its schema. Templates that exist are kept."""

from __future__ import annotations

from apps.notifications.services import templates_seed


def _both(event: str, channels: tuple[str, ...], en: tuple[str, str], ko: tuple[str, str]) -> list[dict]:
    return [{"event": event, "audience": "customer", "channel": channel, "language": language,
             "subject": subject, "body": body}
            for channel in channels for language, (subject, body) in (("en", en), ("ko", ko))]


MESSAGES = ("email", "in_app")
URGENT = ("email", "in_app", "sms")
WHEN = "{{ session.local_date }} {{ session.local_time }}"

TEMPLATES = [
    *_both("academy.attendance_marked", URGENT,
           ("{{ customer.name }}: {{ attendance.status_label.en }} for {{ class.name }}",
            "{{ customer.name }} was marked {{ attendance.status_label.en|lower }} for {{ class.name }} on "
            + WHEN + ".\n\nIf this is unexpected, please contact the academy."),
           ("[{{ class.name }}] {{ customer.name }} 학생 {{ attendance.status_label.ko }} 안내",
            "{{ customer.name }} 학생이 " + WHEN + " {{ class.name }} 수업에 {{ attendance.status_label.ko }} "
            "처리되었습니다.\n\n문의 사항은 학원으로 연락해 주세요.")),
    *_both("academy.session_cancelled", URGENT,
           ("{{ class.name }} on {{ session.local_date }} is cancelled",
            "The {{ class.name }} session on " + WHEN + " is cancelled.{% if reason %}\nReason: {{ reason }}"
            "{% endif %}"),
           ("{{ session.local_date }} {{ class.name }} 휴강 안내",
            WHEN + " {{ class.name }} 수업이 휴강됩니다.{% if reason %}\n사유: {{ reason }}{% endif %}")),
    *_both("academy.session_moved", MESSAGES,
           ("{{ class.name }} moved to {{ session.local_date }} {{ session.local_time }}",
            "The {{ class.name }} session of {{ previous.local_date }} {{ previous.local_time }} now meets on "
            + WHEN + ".{% if reason %}\nReason: {{ reason }}{% endif %}"),
           ("{{ class.name }} 수업 시간 변경 안내",
            "{{ previous.local_date }} {{ previous.local_time }} {{ class.name }} 수업이 " + WHEN
            + "(으)로 변경되었습니다.{% if reason %}\n사유: {{ reason }}{% endif %}")),
    *_both("academy.seat_offered", URGENT,
           ("A seat in {{ class.name }} for {{ customer.name }}",
            "A seat in {{ class.name }} came free and is offered to {{ customer.name }} until "
            "{{ expires_local }}. Please accept it before then; after that it goes to the next student waiting."),
           ("{{ class.name }} 수강 자리 안내",
            "{{ class.name }} 반에 자리가 생겨 {{ customer.name }} 학생에게 먼저 안내드립니다. "
            "{{ expires_local }}까지 수락해 주세요. 이후에는 다음 대기자에게 넘어갑니다.")),
    *_both("academy.enrolment_activated", MESSAGES,
           ("{{ customer.name }} is enrolled in {{ class.name }}",
            "Thank you: {{ customer.name }}'s enrolment in {{ class.name }} ({{ class.branch }}) is confirmed."),
           ("{{ customer.name }} 학생 {{ class.name }} 수강 확정",
            "{{ customer.name }} 학생의 {{ class.name }}({{ class.branch }}) 수강 등록이 확정되었습니다. 감사합니다.")),
]


def seed_academy_templates(*, tenant, owner) -> None:
    """Provisioning step: the academy's messages, for academies only."""
    if getattr(tenant, "business_type", "") != "academy":
        return
    templates_seed(items=TEMPLATES, known_event=True)
