"""Helpers for tests that drive an admin site over HTTP: log into a tenant admin, HQ
portal users of a given group, the messages a response left, a change form's data as
the browser would post it back, and a changelist action."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.messages import get_messages
from django.test import Client

from tests.plugin import PASSWORD, client_for, hq_client

PORTAL_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def tenant_admin_client(email: str, slug: str = "alpha") -> Client:
    """A client logged into `slug`'s tenant admin as `email` (password PASSWORD)."""
    client = client_for(slug)
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1000]
    return client


def portal_user(group: str, email: str | None = None):
    """A new HQ staff member in `group` with an authenticator app, and their portal client."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from apps.accounts.models import User

    email = email or f"{group.lower()}@platform.test"
    user = User.objects.create_user(email, PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    TOTP.activate(user, PORTAL_SECRET)
    return hq_client(email=email, secret=PORTAL_SECRET), user


def texts(response) -> list[str]:
    """The messages the request left (as shown on the next page)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def offered_actions(changelist_response) -> list[str]:
    """The actions a changelist page offers this user (whatever the theme draws)."""
    form = changelist_response.context.get("action_form")
    return [] if form is None else [value for value, _label in form.fields["action"].choices if value]


def run_action(client: Client, changelist: str, action: str, pks, follow: bool = True, **extra):
    """Run a changelist action on `pks`. Followed by default: the response is the page
    shown next, and `texts(response)` the messages it showed (and so used up)."""
    return client.post(changelist, {"action": action, "_selected_action": [str(pk) for pk in pks], **extra},
                       follow=follow)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return "" if value is None else str(value)


def _form_data(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{key}_{index}"] = _plain(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, (list, tuple)):
            data[key] = [_plain(item) for item in value]
        elif isinstance(widget, forms.ClearableFileInput):
            continue
        elif value is not None:
            data[key] = _plain(value)
    return data


def formset_data(formset) -> dict:
    """A formset as rendered (management form and every form), e.g. a changelist's
    list_editable rows (`response.context["cl"].formset`)."""
    data = _form_data(formset.management_form)
    for form in formset.forms:
        data.update(_form_data(form))
    return data


def change_form_data(response, **overrides) -> dict:
    """What the browser posts back for an admin add/change page as rendered, with
    `overrides` (a value of None drops the field: an unticked box)."""
    context = response.context
    data = _form_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        data.update(formset_data(inline.formset))
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
