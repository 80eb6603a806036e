"""The events staff publishes (apps.events.catalogue)."""

from django.utils.translation import gettext_lazy as _

from apps.events.catalogue import DATETIME, INTEGER, STRING, EventType, event_type_register, obj

STAFF_INVITED = event_type_register(EventType(
    name="staff.invited", label=_("Staff member invited"), group="staff", audience=("owner",),
    description=_("Someone was invited to join the workspace's staff."),
    schema=obj({"invitation": obj({"id": INTEGER, "email": STRING, "name": STRING,
                                   "roles": {"type": "array", "items": STRING}, "expires_at": DATETIME})}),
    example={"invitation": {"id": 3, "email": "teacher@example.com", "name": "Lee Sora", "roles": ["teacher"],
                            "expires_at": "2026-12-08T09:00:00+00:00"}}))


def staff_invited_data(invitation, roles) -> dict:
    return {"invitation": {"id": invitation.pk, "email": invitation.email, "name": invitation.full_name,
                           "roles": [role.key for role in roles], "expires_at": invitation.expires_at.isoformat()}}
