"""The messages an academy starts with, in English and Korean: students and their
guardians (the notifications' "customer" audience reaches a student's guardian
contacts) hear when a student is late or absent, when a session is cancelled or moved,
when a seat is offered from the waitlist, when an enrolment is confirmed, when tuition is
issued, paid or overdue, and when a pass is ready.

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
    *_both("academy.tuition_issued", MESSAGES,
           ("Tuition for {{ customer.name }}: {{ class.name }}, {{ invoice.period }}",
            "{{ customer.name }}'s tuition for {{ class.name }} ({{ invoice.period }}) is "
            "{{ amount_display.en }}, due by {{ invoice.due_on }}. You can pay it in the app or at the front desk."),
           ("{{ customer.name }} 학생 {{ invoice.period }} 수강료 안내",
            "{{ customer.name }} 학생의 {{ class.name }} {{ invoice.period }} 수강료는 {{ amount_display.ko }}이며 "
            "{{ invoice.due_on }}까지 납부해 주세요. 앱 또는 학원 데스크에서 결제하실 수 있습니다.")),
    *_both("academy.tuition_paid", MESSAGES,
           ("Tuition received: {{ customer.name }}, {{ invoice.period }}",
            "Thank you: we received {{ amount_display.en }} for {{ customer.name }}'s {{ class.name }} tuition "
            "({{ invoice.period }})."),
           ("{{ customer.name }} 학생 {{ invoice.period }} 수강료 납부 확인",
            "{{ customer.name }} 학생의 {{ class.name }} {{ invoice.period }} 수강료 {{ amount_display.ko }} "
            "납부가 확인되었습니다. 감사합니다.")),
    *_both("academy.tuition_overdue", URGENT,
           ("Reminder: {{ customer.name }}'s tuition for {{ invoice.period }} is overdue",
            "{{ customer.name }}'s tuition for {{ class.name }} ({{ invoice.period }}), {{ amount_display.en }}, "
            "was due on {{ invoice.due_on }}. Please pay it in the app or at the front desk."),
           ("[미납 안내] {{ customer.name }} 학생 {{ invoice.period }} 수강료",
            "{{ customer.name }} 학생의 {{ class.name }} {{ invoice.period }} 수강료 {{ amount_display.ko }}의 "
            "납부 기한({{ invoice.due_on }})이 지났습니다. 앱 또는 학원 데스크에서 납부해 주세요.")),
    *_both("academy.pass_activated", MESSAGES,
           ("{{ customer.name }}'s pass is ready",
            "{{ pass.name }} for {{ customer.name }} can be used from {{ pass.valid_from }} to {{ pass.valid_until }}."
            "{% if pass.sessions_total %} Sessions: {{ pass.sessions_total }}.{% endif %}"),
           ("{{ customer.name }} 학생 수강권 사용 안내",
            "{{ customer.name }} 학생의 {{ pass.name }}을(를) {{ pass.valid_from }}부터 {{ pass.valid_until }}까지 "
            "사용하실 수 있습니다.{% if pass.sessions_total %} 횟수: {{ pass.sessions_total }}회.{% endif %}")),
]


def seed_academy_templates(*, tenant, owner) -> None:
    """Provisioning step: the academy's messages, for academies only."""
    if getattr(tenant, "business_type", "") != "academy":
        return
    templates_seed(items=TEMPLATES, known_event=True)
