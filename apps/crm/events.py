"""The events crm publishes (apps.events.catalogue)."""

from django.utils.translation import gettext_lazy as _

from apps.events.catalogue import CUSTOMER_REF, STRING, EventType, event_type_register, obj

CUSTOMER_CREATED = event_type_register(EventType(
    name="customer.created", label=_("Customer added"), group="crm", audience=("staff",),
    description=_("A customer was added (by staff, an import, or a consumer signing up)."),
    schema=obj({"customer": CUSTOMER_REF, "source": STRING}),
    example={"customer": {"id": 7, "name": "Kim Jihoon"}, "source": "staff"}))


def customer_created_data(customer, *, source: str) -> dict:
    return {"customer": {"id": customer.pk, "name": customer.name}, "source": source}
