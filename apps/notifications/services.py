"""Writes of the notifications app: message templates (validated, audited), their
preview and test send, the templates a new workspace starts with, each person's channel
preferences and the in-app notifications they read. Sending lives in dispatch.py."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.changes import model_update, snapshot
from apps.core.errors import InvalidData
from apps.events.catalogue import event_type_get
from apps.rbac.tenancy import current_tenant
from apps.workspace.services import workspace_settings_get

from .audiences import audience_names
from .channels.email import send_email
from .errors import NoEmailAddress, TemplateExists, TemplateInvalid, UnknownAudience, UnknownEvent
from .models import Channel, Notification, NotificationTemplate, Preference
from .rendering import TemplateProblem, render, template_check, unknown_names

TEMPLATE_FIELDS = ["event", "audience", "channel", "language", "subject", "body", "is_marketing", "is_active",
                   "provider_template"]
PREFERENCE_CHANNELS = ["email", "sms", "alimtalk", "in_app"]


# --- Templates ---------------------------------------------------------------------------------


def template_validate(*, event: str, audience: str, channel: str, language: str, subject: str, body: str,
                      known_event: bool = True) -> None:
    """Refuse what cannot work: an event not in the catalogue (`known_event`), an audience
    the event does not have, an unknown channel or language, an empty body, a template
    that does not compile (the line is named) or that reaches beyond the payload when
    rendered with the event's example."""
    event_type = event_type_get(event)
    if event_type is None and known_event:
        raise UnknownEvent(details={"event": [_("“%(event)s” is not an event of this platform.") % {"event": event}]})
    if audience not in audience_names() or (event_type is not None and event_type.audience
                                            and audience not in event_type.audience):
        allowed = ", ".join(event_type.audience if event_type and event_type.audience else audience_names())
        raise UnknownAudience(details={"audience": [_("Choose one of: %(choices)s.") % {"choices": allowed}]})
    problems = {}
    if channel not in Channel.values:
        problems["channel"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}]
    if language not in dict(settings.LANGUAGES):
        problems["language"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(dict(settings.LANGUAGES))}]
    if not (body or "").strip():
        problems["body"] = [_("Write the message.")]
    if problems:
        raise InvalidData(details=problems)
    for field, source in (("subject", subject), ("body", body)):
        try:
            template_check(source)
            if event_type is not None:
                render(source, event_type.example, language=language)
        except TemplateProblem as problem:
            problems[field] = [problem.message]
    if problems:
        raise TemplateInvalid(details=problems)


def _audit(action: str, *, actor, template: NotificationTemplate, changes: dict | None = None) -> None:
    audit_record(action=action, actor=actor, target=template, tenant=current_tenant(), changes=changes,
                 metadata={"event": template.event, "audience": template.audience, "channel": template.channel,
                           "language": template.language})


def template_create(*, actor, event: str, channel: str, language: str, body: str, subject: str = "",
                    audience: str = "customer", is_marketing: bool = False, is_active: bool = True,
                    provider_template: str = "", known_event: bool = True,
                    audited: bool = True) -> NotificationTemplate:
    """A new template, audited (`audited=False`: a seeding that writes one audit row for
    all it creates)."""
    template_validate(event=event, audience=audience, channel=channel, language=language, subject=subject,
                      body=body, known_event=known_event)
    try:
        with transaction.atomic():
            template = NotificationTemplate.objects.create(
                event=event, audience=audience, channel=channel, language=language, subject=subject, body=body,
                is_marketing=is_marketing, is_active=is_active, provider_template=provider_template)
            if audited:
                _audit("notification_template.created", actor=actor, template=template,
                       changes={name: [None, value] for name, value in snapshot(template, TEMPLATE_FIELDS).items()})
    except IntegrityError:
        raise TemplateExists() from None
    return template


def template_update(*, template: NotificationTemplate, actor, **data) -> NotificationTemplate:
    merged = {name: data.get(name, getattr(template, name)) for name in TEMPLATE_FIELDS}
    # a template seeded for an event no app declares (yet) stays editable; a new event must exist
    template_validate(known_event=merged["event"] != template.event,
                      **{name: merged[name] for name in ("event", "audience", "channel", "language", "subject",
                                                         "body")})
    try:
        with transaction.atomic():
            changes = model_update(template, data=data, fields=TEMPLATE_FIELDS, clean=False)
            if changes:
                _audit("notification_template.updated", actor=actor, template=template, changes=changes)
    except IntegrityError:
        raise TemplateExists() from None
    return template


def template_delete(*, template: NotificationTemplate, actor) -> None:
    with transaction.atomic():
        _audit("notification_template.deleted", actor=actor, template=template)
        template.delete()


def template_preview(*, template: NotificationTemplate) -> dict:
    """The template rendered with its event's example payload: {"subject", "body",
    "problem", "unknown"} (a problem instead of the texts when it does not render;
    `unknown`: names it uses that the payload does not have)."""
    event_type = event_type_get(template.event)
    example = event_type.example if event_type is not None else {}
    workspace = workspace_settings_get()
    try:
        subject = render(template.subject, example, language=template.language, time_zone=workspace.timezone)
        body = render(template.body, example, language=template.language, time_zone=workspace.timezone)
    except TemplateProblem as problem:
        return {"subject": "", "body": "", "problem": problem.message, "unknown": []}
    unknown = sorted(set(unknown_names(template.subject, example)) | set(unknown_names(template.body, example)))
    return {"subject": subject, "body": body, "problem": "", "unknown": unknown,
            "known_event": event_type is not None}


def template_test_send(*, template: NotificationTemplate, user) -> str:
    """E-mail the preview to `user` (the staff member trying the template), whatever the
    template's channel: the subject says which channel it is for. Returns the address."""
    if not getattr(user, "email", ""):
        raise NoEmailAddress()
    preview = template_preview(template=template)
    if preview["problem"]:
        raise TemplateInvalid(details={"body": [preview["problem"]]})
    workspace = workspace_settings_get()
    subject = _("[Test · %(channel)s] %(subject)s") % {"channel": template.get_channel_display(),
                                                       "subject": preview["subject"] or template.event}
    send_email(to=user.email, subject=subject, text=preview["body"], language=template.language,
               brand=workspace.display_name or current_tenant().name)
    return user.email


# --- Templates a workspace starts with ------------------------------------------------------------


_SEED_FIELDS = ("event", "audience", "channel", "language", "subject", "body", "is_marketing", "provider_template")


def _seed_entry(item: dict) -> tuple:
    return (item.get("event", ""), item.get("audience", "customer"), item.get("channel", Channel.EMAIL),
            item.get("language", ""), item.get("subject", ""), item.get("body", ""),
            bool(item.get("is_marketing", False)), item.get("provider_template", ""))


@functools.lru_cache(maxsize=4096)
def _seed_problem(entry: tuple, known_event: bool) -> tuple[str, dict] | None:
    """Why a seeded template is refused (code, details), or None. Validating depends only
    on the text and the code's catalogues, and every workspace starts with the same
    templates: checked once per process, not once per workspace (parsing and rendering them
    was most of a provisioning's time)."""
    event, audience, channel, language, subject, body, _marketing, _provider = entry
    try:
        template_validate(event=event, audience=audience, channel=channel, language=language, subject=subject,
                          body=body, known_event=known_event)
    except InvalidData as error:
        return error.code, error.details
    return None


def templates_seed(*, items: list[dict], known_event: bool = False, _again: bool = False) -> int:
    """Create each {"event", "language", "channel", "subject", "body"[, "audience",
    "is_marketing", "provider_template"]} that has no template yet; an entry that does not
    validate is skipped (logged), never half-created. One audit row tells what was seeded
    (a workspace's log is not filled with one row per message). Returns how many were
    created. One query reads what exists, one statement inserts the rest."""
    logger = logging.getLogger(__name__)
    existing = set(NotificationTemplate.objects.values_list("event", "audience", "channel", "language"))
    fresh = []
    for item in items:
        entry = _seed_entry(item)
        if entry[:4] in existing:
            continue
        problem = _seed_problem(entry, known_event)
        if problem is not None:
            logger.warning("notification template %s skipped: %s %s", item, *problem)
            continue
        existing.add(entry[:4])
        fresh.append(NotificationTemplate(**dict(zip(_SEED_FIELDS, entry, strict=True)), is_active=True))
    if not fresh:
        return 0
    try:
        with transaction.atomic():
            NotificationTemplate.objects.bulk_create(fresh)
    except IntegrityError:  # created meanwhile by someone else: seed what is still missing
        if _again:
            raise
        return templates_seed(items=items, known_event=known_event, _again=True)
    audit_record(action="notification_templates.seeded", actor=None, tenant=current_tenant(),
                 metadata={"templates": len(fresh), "events": sorted({template.event for template in fresh})})
    return len(fresh)


# --- Preferences ---------------------------------------------------------------------------------


def preferences_get(*, user) -> Preference:
    """The person's preferences (unsaved defaults, all channels on, when they set none)."""
    return Preference.objects.filter(user_id=user.pk).first() or Preference(user=user)


def preferences_update(*, user, **channels) -> Preference:
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(user_id=user.pk)
        changes = model_update(preference, data=channels, fields=PREFERENCE_CHANNELS, clean=False)
        if changes:
            audit_record(action="notification_preferences.updated", actor=user, target=preference,
                         tenant=current_tenant(), changes=changes)
    return preference


# --- In-app notifications --------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
