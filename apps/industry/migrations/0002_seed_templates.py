"""Version 1 of each industry template (seeds/004 §11). HQ edits publish new versions."""

from django.db import migrations


def _notify(event, en_subject, en_body, ko_subject, ko_body):
    return [
        {"event": event, "language": "en", "channel": "email", "subject": en_subject, "body": en_body},
        {"event": event, "language": "ko", "channel": "email", "subject": ko_subject, "body": ko_body},
    ]


TEMPLATES = {
    "academy": {
        "name": "Academy",
        "sample_catalog": [
            {"kind": "course", "name": "Elementary English", "name_ko": "초등 영어", "price": 180000},
            {"kind": "course", "name": "Middle-school Math", "name_ko": "중등 수학", "price": 220000},
            {"kind": "pass", "name": "10-session pass", "name_ko": "10회 수강권", "price": 300000},
        ],
        "notification_templates": (
            _notify("attendance.absent", "{{ student }} was absent today", "{{ student }} did not attend {{ class }}.",
                    "{{ student }} 결석 안내", "{{ student }} 학생이 오늘 {{ class }} 수업에 결석했습니다.")
            + _notify("tuition.due", "Tuition due", "Tuition of {{ amount }} is due on {{ date }}.",
                      "수강료 납부 안내", "{{ date }}까지 수강료 {{ amount }}을 납부해 주세요.")),
    },
    "food": {
        "name": "Food service",
        "sample_catalog": [
            {"kind": "menu", "name": "Kimchi stew", "name_ko": "김치찌개", "price": 9000},
            {"kind": "menu", "name": "Bibimbap", "name_ko": "비빔밥", "price": 10000},
            {"kind": "option", "name": "Extra rice", "name_ko": "공기밥 추가", "price": 1000},
        ],
        "notification_templates": (
            _notify("order.accepted", "Order accepted", "Your order {{ number }} is being prepared.",
                    "주문 접수", "주문 {{ number }}이(가) 접수되어 준비 중입니다.")
            + _notify("order.ready", "Order ready", "Your order {{ number }} is ready.",
                      "주문 준비 완료", "주문 {{ number }}이(가) 준비되었습니다.")),
    },
    "retail": {
        "name": "Retail",
        "sample_catalog": [
            {"kind": "product", "name": "Gift card", "name_ko": "기프트 카드", "price": 50000},
        ],
        "notification_templates": _notify("order.shipped", "Order shipped", "Order {{ number }} is on its way.",
                                          "배송 시작", "주문 {{ number }}이(가) 발송되었습니다."),
    },
    "service": {
        "name": "Services",
        "sample_catalog": [
            {"kind": "service", "name": "Haircut", "name_ko": "헤어컷", "price": 25000},
        ],
        "notification_templates": _notify("booking.reminder", "Booking reminder",
                                          "See you at {{ time }} on {{ date }}.",
                                          "예약 알림", "{{ date }} {{ time }} 예약을 잊지 마세요."),
    },
}


def seed(apps, schema_editor):
    IndustryTemplate = apps.get_model("industry", "IndustryTemplate")
    for business_type, content in TEMPLATES.items():
        if not IndustryTemplate.objects.filter(business_type=business_type).exists():
            IndustryTemplate.objects.create(business_type=business_type, version=1, default_flags={}, **content)


class Migration(migrations.Migration):
    dependencies = [("industry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
