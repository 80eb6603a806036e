from django.db import migrations

DEFAULT_ITEMS = [
    ("contract", "Contract signed", "계약서 서명", 10),
    ("payment", "Payment information received", "결제 정보 등록", 20),
    ("role-template", "Role template chosen", "역할 템플릿 선택", 30),
    ("plan", "Plan chosen", "요금제 선택", 40),
    ("data-import", "Initial data imported", "초기 데이터 이관", 50),
]


def add_defaults(apps, schema_editor):
    Item = apps.get_model("onboarding", "ChecklistTemplateItem")
    for key, title, title_ko, order in DEFAULT_ITEMS:
        Item.objects.get_or_create(key=key, defaults={"title": title, "title_ko": title_ko, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
