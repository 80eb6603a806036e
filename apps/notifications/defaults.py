"""The messages every workspace starts with (apps.notifications.provisioning), in English
and Korean, by e-mail and in the app: its customers hear about their orders, payments and
refunds; its staff see new and cancelled orders in the app. Owners edit them in the
workspace admin (Settings · Notification templates)."""

from __future__ import annotations


def _both(event: str, audience: str, channels: tuple[str, ...], en: tuple[str, str], ko: tuple[str, str]):
    return [{"event": event, "audience": audience, "channel": channel, "language": language,
             "subject": subject, "body": body}
            for channel in channels for language, (subject, body) in (("en", en), ("ko", ko))]


CUSTOMER = ("email", "in_app")
STAFF = ("in_app",)

DEFAULT_TEMPLATES = [
    *_both("order.created", "customer", CUSTOMER,
           ("We received your order #{{ order.number }}",
            "Hello {{ customer.name }},\n\nthank you for your order #{{ order.number }} "
            "({{ order.total|money }}).\n{% for line in order.lines %}- {{ line.name }} × {{ line.quantity }}\n"
            "{% endfor %}\nWe will let you know when it moves on."),
           ("주문 #{{ order.number }}이(가) 접수되었습니다",
            "{{ customer.name }}님, 안녕하세요.\n\n주문 #{{ order.number }}({{ order.total|money }})을(를) "
            "접수했습니다.\n{% for line in order.lines %}- {{ line.name }} × {{ line.quantity }}\n{% endfor %}\n"
            "진행 상황이 바뀌면 다시 알려 드리겠습니다.")),
    *_both("order.created", "staff", STAFF,
           ("New order #{{ order.number }}",
            "{{ customer.name if customer else 'A walk-in customer' }} placed order #{{ order.number }} "
            "({{ order.total|money }})."),
           ("새 주문 #{{ order.number }}",
            "{{ customer.name if customer else '방문 고객' }}님이 주문 #{{ order.number }}"
            "({{ order.total|money }})을(를) 했습니다.")),
    *_both("order.status_changed", "customer", CUSTOMER,
           ("Your order #{{ order.number }}: {{ order.status_label.en }}",
            "Hello {{ customer.name }},\n\nyour order #{{ order.number }} is now: {{ order.status_label.en }}."
            "{% if order.estimate %}\n{{ order.estimate.en }}{% endif %}"),
           ("주문 #{{ order.number }}: {{ order.status_label.ko }}",
            "{{ customer.name }}님, 주문 #{{ order.number }}의 상태가 '{{ order.status_label.ko }}'(으)로 "
            "바뀌었습니다.{% if order.estimate %}\n{{ order.estimate.ko }}{% endif %}")),
    *_both("order.cancelled", "customer", CUSTOMER,
           ("Your order #{{ order.number }} was cancelled",
            "Hello {{ customer.name }},\n\nyour order #{{ order.number }} was cancelled."
            "{% if reason %}\nReason: {{ reason }}{% endif %}\n\nAny payment is refunded to you."),
           ("주문 #{{ order.number }}이(가) 취소되었습니다",
            "{{ customer.name }}님, 주문 #{{ order.number }}이(가) 취소되었습니다."
            "{% if reason %}\n사유: {{ reason }}{% endif %}\n\n결제하신 금액은 환불됩니다.")),
    *_both("order.cancelled", "staff", STAFF,
           ("Order #{{ order.number }} cancelled",
            "Order #{{ order.number }} ({{ order.total|money }}) was cancelled.{% if reason %} Reason: "
            "{{ reason }}{% endif %}"),
           ("주문 #{{ order.number }} 취소",
            "주문 #{{ order.number }}({{ order.total|money }})이(가) 취소되었습니다.{% if reason %} 사유: "
            "{{ reason }}{% endif %}")),
    *_both("payment.succeeded", "customer", CUSTOMER,
           ("Payment received for order #{{ order.number }}",
            "Hello {{ customer.name }},\n\nwe received your payment of {{ payment.amount|money }} for order "
            "#{{ order.number }}. Thank you!"),
           ("주문 #{{ order.number }} 결제 완료",
            "{{ customer.name }}님, 주문 #{{ order.number }}의 결제 {{ payment.amount|money }}이(가) "
            "완료되었습니다. 감사합니다!")),
    *_both("refund.succeeded", "customer", CUSTOMER,
           ("Refund for order #{{ order.number }}",
            "Hello {{ customer.name }},\n\nwe refunded {{ refund.amount|money }} for order #{{ order.number }}."
            "{% if refund.reason %}\nReason: {{ refund.reason }}{% endif %}\n\nDepending on your card issuer it "
            "can take a few days to show."),
           ("주문 #{{ order.number }} 환불 안내",
            "{{ customer.name }}님, 주문 #{{ order.number }}에 대해 {{ refund.amount|money }}을(를) "
            "환불했습니다.{% if refund.reason %}\n사유: {{ refund.reason }}{% endif %}\n\n"
            "카드사에 따라 반영까지 며칠이 걸릴 수 있습니다.")),
]
