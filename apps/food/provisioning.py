"""The messages a restaurant starts with, in English and Korean, beyond the defaults every
workspace has (apps.notifications.defaults): the owner hears, by e-mail and in the app,
when a branch stops taking orders (paused by staff, or by itself because no kitchen
board was open during opening hours) and what to do about it. Customers already hear
each step of their order through the default `order.status_changed` (with the kitchen's
estimate) and `order.cancelled` (rejected or cancelled, with the reason) messages.

`seed_food_templates` is a provisioning step (settings.PROVISIONING_STEPS, after the
notifications' defaults) for workspaces of business type "food"; an existing workspace
gets them by calling it in its schema. Templates that exist are kept."""

from __future__ import annotations

from apps.notifications.services import templates_seed

OWNER_CHANNELS = ("email", "in_app")

TEMPLATES = [
    {"event": "food.ordering_paused", "audience": "owner", "channel": channel, "language": language,
     "subject": subject, "body": body}
    for channel in OWNER_CHANNELS
    for language, subject, body in (
        ("en", "{{ branch.name }} stopped taking orders",
         "{{ branch.name }} is not taking orders any more: {{ reason_label.en }}."
         "{% if note %}\nNote: {{ note }}{% endif %}\n\n"
         "{% if reason == 'board_offline' %}No kitchen board of the branch was open during opening hours, so "
         "customers could have ordered food nobody would cook. Open the branch's kitchen board in the workspace admin "
         "(on the kitchen's tablet): ordering resumes by itself as soon as a board is open."
         "{% else %}Customers cannot order from this branch until someone resumes ordering, on the kitchen "
         "board or in the branch's ordering rules.{% endif %}"),
        ("ko", "{{ branch.name }} 주문 접수가 중지되었습니다",
         "{{ branch.name }}에서 더 이상 주문을 받지 않습니다: {{ reason_label.ko }}."
         "{% if note %}\n메모: {{ note }}{% endif %}\n\n"
         "{% if reason == 'board_offline' %}영업시간 중에 지점의 주방 화면이 열려 있지 않아, 아무도 조리하지 않을 "
         "주문이 들어오지 않도록 접수를 멈췄습니다. 주방 태블릿에서 관리자 화면의 주방 화면을 열어 "
         "주세요. 주방 화면이 열리면 주문 접수가 자동으로 다시 시작됩니다."
         "{% else %}주방 화면이나 지점의 주문 규칙에서 주문 접수를 다시 시작할 때까지 고객은 이 "
         "지점에 주문할 수 없습니다.{% endif %}"),
    )
]


def seed_food_templates(*, tenant, owner) -> None:
    """Provisioning step: the restaurant's messages, for food workspaces only."""
    if getattr(tenant, "business_type", "") != "food":
        return
    templates_seed(items=TEMPLATES, known_event=True)
