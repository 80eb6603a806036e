"""From an event to deliveries: the audience's recipients, their language, consent and
preferences, quiet hours for SMS, sending with retries and backoff, and one end-to-end
run through the outbox and the (in-process) tasks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.core.tasks_inline import tasks_in_process
from apps.events.services import event_record
from apps.notifications.dispatch import deliveries_send_due, delivery_send
from apps.notifications.models import Delivery, Notification, SandboxMessage
from apps.notifications.selectors import failed_deliveries_by_schema, failed_deliveries_count
from apps.notifications.services import preferences_update
from tests.plugin import TENANTS

from .conftest import add_template, make_consumer, record, workspace_set

SEOUL = ZoneInfo("Asia/Seoul")
FLAKY = "apps.notifications.tests.test_dispatch.FlakyProvider"


class FlakyProvider:
    """A provider that is down (tests of the retry schedule)."""

    def send_sms(self, message):
        from apps.notifications.channels import ChannelError

        raise ChannelError("gateway timeout")


def deliveries(slug="alpha", **filters):
    with schema_context(slug):
        return list(Delivery.objects.filter(**filters).order_by("channel", "id"))


def send_all(slug="alpha"):
    with schema_context(slug):
        return [delivery_send(delivery_id=d.pk) for d in Delivery.objects.order_by("id")]


def test_customer_gets_email_in_their_language_and_in_app(consumer):
    user, customer = consumer  # registered in Korean
    add_template(language="en", subject="Ping {{ n }}", body="Hello {{ customer.name }}")
    add_template(language="ko", subject="알림 {{ n }}", body="{{ customer.name }}님, 안녕하세요")
    add_template(language="ko", channel="in_app", subject="알림 {{ n }}", body="새 알림")
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 5})
    email, in_app = deliveries()
    assert (email.channel, email.language, email.address, email.subject, email.status) == (
        "email", "ko", "minji@example.com", "알림 5", "queued")
    assert (in_app.channel, in_app.user_id, in_app.customer_id) == ("in_app", user.pk, customer.pk)
    send_all()
    message = mail.outbox[-1]
    assert message.to == ["minji@example.com"] and message.subject == "알림 5"
    assert "Kim Minji님, 안녕하세요" in message.body and "Kim Minji님" in message.alternatives[0][0]
    with schema_context("alpha"):
        assert Notification.objects.get(user_id=user.pk).title == "알림 5"
    assert {d.status for d in deliveries()} == {"sent"}
    assert send_all() == [None, None]  # sent once, however often the task runs


def test_language_falls_back_to_the_workspace(consumer):
    user, customer = consumer
    user.language = ""
    user.save(update_fields=["language"])
    workspace_set(language="en")
    add_template(language="en", body="english")
    add_template(language="ko", body="korean")
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    assert [d.body for d in deliveries()] == ["english"]


def test_owner_audience_and_no_customer(tenant_alpha):
    add_template(audience="owner", subject="Ping for the owner", body="n={{ n }}")
    add_template(audience="customer")
    record("alpha", {"customer": {"id": 987654, "name": "Nobody"}, "n": 2})  # no such customer: nobody
    (delivery,) = deliveries()
    assert (delivery.audience, delivery.address, delivery.body) == ("owner", TENANTS["alpha"]["owner_email"], "n=2")


def test_marketing_needs_recorded_consent_and_preferences_count(db):
    _user, refused = make_consumer("alpha", "no-ads@example.com", marketing=False)
    user, agreed = make_consumer("alpha", "ads@example.com", marketing=True)
    add_template(is_marketing=True, body="Sale!")
    add_template(channel="in_app", is_marketing=True, body="Sale!")
    for customer in (refused, agreed):
        record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    assert {(d.customer_id, d.channel) for d in deliveries()} == {(agreed.pk, "email"), (agreed.pk, "in_app")}
    with schema_context("alpha"):
        preferences_update(user=user, email=False)
    record("alpha", {"customer": {"id": agreed.pk, "name": agreed.name}, "n": 2})
    assert [d.channel for d in deliveries(body="Sale!", event__data__n=2)] == ["in_app"]


def test_sms_only_when_the_workspace_sends_sms(consumer):
    _user, customer = consumer
    add_template(channel="sms", language="ko", body="[알림] {{ n }}")
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    assert deliveries() == []
    workspace_set(notify_sms=True)
    with time_machine.travel(dt.datetime(2026, 12, 1, 14, 0, tzinfo=SEOUL)):
        record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 2})
        (sms,) = deliveries()
        assert (sms.address, sms.body) == ("+821023456789", "[알림] 2")
        send_all()
    with schema_context("alpha"):
        recorded = SandboxMessage.objects.get()
    assert (recorded.channel, recorded.to, recorded.text) == ("sms", "+821023456789", "[알림] 2")


def test_quiet_hours_hold_marketing_sms_until_morning_not_the_rest(db):
    """Advertising by text may not go at night; an order's message goes whenever it happens."""
    from apps.notifications.models import NotificationTemplate

    _user, customer = make_consumer("alpha", "night@example.com", marketing=True)
    workspace_set(notify_sms=True, timezone="Asia/Seoul")
    sms = add_template(channel="sms", language="ko", body="밤 문자")
    add_template(channel="email", language="ko", body="밤 광고 메일", is_marketing=True)
    night = dt.datetime(2026, 12, 1, 22, 30, tzinfo=SEOUL)
    data = {"customer": {"id": customer.pk, "name": customer.name}, "n": 1}
    with time_machine.travel(night, tick=False):
        record("alpha", data)
        with schema_context("alpha"):
            NotificationTemplate.objects.filter(pk=sms.pk).update(is_marketing=True, body="밤 광고")
        record("alpha", data)
        email, advert_email, text, advert = deliveries()  # by channel, then in order
        assert (text.body, advert.body) == ("밤 문자", "밤 광고")
        assert email.next_attempt_at == night and text.next_attempt_at == night
        assert advert_email.next_attempt_at == night  # e-mail is not held
        assert advert.next_attempt_at == dt.datetime(2026, 12, 2, 8, 0, tzinfo=SEOUL)
        assert advert.queued_until is None  # no task for it: the sweep picks it up in the morning
        send_all()  # the tasks queued when they were recorded
        assert [d.status for d in deliveries()] == ["sent", "sent", "sent", "queued"]
    with time_machine.travel(dt.datetime(2026, 12, 2, 8, 1, tzinfo=SEOUL)), tasks_in_process():
        deliveries_send_due()
    assert [d.status for d in deliveries()] == ["sent", "sent", "sent", "sent"]


@override_settings(NOTIFICATIONS_SMS_PROVIDER=FLAKY, NOTIFICATIONS_RETRY_SECONDS=[60, 300])
def test_a_marketing_retry_that_falls_into_quiet_hours_waits_for_the_morning(db):
    _user, customer = make_consumer("alpha", "late@example.com", marketing=True)
    workspace_set(notify_sms=True, timezone="Asia/Seoul")
    add_template(channel="sms", language="ko", body="광고", is_marketing=True)
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, 59, 30, tzinfo=SEOUL), tick=False):
        record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
        (failed,) = send_all()
    assert (failed.status, failed.next_attempt_at) == ("retrying", dt.datetime(2026, 12, 2, 8, 0, tzinfo=SEOUL))


class ReentrantProvider:
    """While it sends, a second task for the same delivery runs (a redelivered task)."""

    calls: list = []

    def send_sms(self, message):
        with schema_context("alpha"):
            delivery = Delivery.objects.get(address=message.to)
            ReentrantProvider.calls.append((delivery.status, delivery_send(delivery_id=delivery.pk)))
        return "provider-1"


@override_settings(NOTIFICATIONS_SMS_PROVIDER="apps.notifications.tests.test_dispatch.ReentrantProvider")
def test_a_delivery_being_sent_is_not_sent_twice(consumer):
    _user, customer = consumer
    workspace_set(notify_sms=True)
    add_template(channel="sms", language="ko", body="문자")
    ReentrantProvider.calls = []
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    (sent,) = send_all()
    assert ReentrantProvider.calls == [("sending", None)]  # claimed before sending: the second task skipped
    assert (sent.status, sent.attempts, sent.provider_message_id, sent.claimed_until) == ("sent", 1, "provider-1",
                                                                                          None)


def test_a_send_cut_off_by_a_dead_worker_is_tried_again_then_given_up(consumer, monkeypatch):
    from apps.notifications import dispatch

    _user, customer = consumer
    add_template(channel="email", language="ko", body="메일")
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    (delivery,) = deliveries()
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        with schema_context("alpha"):
            dispatch._claim(delivery.pk, start)  # the worker claims it, then dies before recording anything
        assert send_all() == [None]  # its claim holds: nobody else sends it meanwhile
        clock.move_to(start + dispatch.SEND_LEASE + dt.timedelta(seconds=1))
        with tasks_in_process():
            assert deliveries_send_due() == {"alpha": 1}
        (again,) = deliveries()
        assert (again.status, again.attempts) == ("sent", 2)
        # A claim that keeps dying is given up once the retries are used up, never resent forever
        with schema_context("alpha"):
            Delivery.objects.filter(pk=delivery.pk).update(status="sending", attempts=5, claimed_until=start)
        with tasks_in_process():
            deliveries_send_due()
        (given_up,) = deliveries()
    assert given_up.status == "failed" and "interrupted" in given_up.last_error


def test_quiet_hours_setting(consumer):
    _user, customer = consumer
    workspace_set(notify_sms=True, timezone="Asia/Seoul")
    add_template(channel="sms", language="ko", body="문자")
    with override_settings(NOTIFICATIONS_QUIET_HOURS=""), \
            time_machine.travel(dt.datetime(2026, 12, 1, 23, 0, tzinfo=SEOUL), tick=False):
        record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
        assert deliveries()[0].next_attempt_at == dt.datetime(2026, 12, 1, 23, 0, tzinfo=SEOUL)


@override_settings(NOTIFICATIONS_SMS_PROVIDER=FLAKY, NOTIFICATIONS_RETRY_SECONDS=[60, 300, 1800, 7200])
def test_failures_retry_with_backoff_then_fail_for_good(consumer):
    _user, customer = consumer
    workspace_set(notify_sms=True)
    add_template(channel="sms", language="ko", body="문자")
    start = dt.datetime(2026, 12, 1, 12, 0, tzinfo=SEOUL)
    with time_machine.travel(start, tick=False) as clock:
        record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
        (delivery,) = deliveries()
        waits = []
        for _attempt in range(4):
            sent = send_all()[0]
            waits.append(int((sent.next_attempt_at - dt.datetime.now(dt.UTC)).total_seconds()))
            assert (sent.status, sent.last_error) == ("retrying", "gateway timeout")
            assert send_all() == [None]  # not due before its wait is over
            clock.move_to(sent.next_attempt_at)
        final = send_all()[0]
    assert waits == [60, 300, 1800, 7200]
    assert (final.status, final.attempts, final.next_attempt_at) == ("failed", 5, None)
    assert final.failed_at is not None
    with schema_context("alpha"):
        assert failed_deliveries_count(start - dt.timedelta(days=1)) == 1
        assert failed_deliveries_count(final.failed_at + dt.timedelta(seconds=1)) == 0
    assert failed_deliveries_by_schema(start - dt.timedelta(days=1)) == {"alpha": 1}


def test_a_template_that_fails_at_render_is_recorded_failed(consumer):
    _user, customer = consumer
    add_template(language="ko", body="{{ customer.name }}")
    with schema_context("alpha"):
        from apps.notifications.models import NotificationTemplate

        NotificationTemplate.objects.update(body="{{ customer.name.upper() }}")  # as if stored before a check
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    (delivery,) = deliveries()
    assert delivery.status == "failed" and "Not allowed" in delivery.last_error


def test_end_to_end_through_the_outbox_and_tasks(consumer, django_capture_on_commit_callbacks):
    user, customer = consumer
    add_template(language="ko", channel="in_app", subject="주문 {{ n }}", body="확인")
    with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
        with schema_context("alpha"):
            event_record("test.notified", {"customer": {"id": customer.pk, "name": customer.name}, "n": 9})
    (delivery,) = deliveries()
    assert delivery.status == "sent" and delivery.attempts == 1
    with schema_context("alpha"):
        assert Notification.objects.filter(user_id=user.pk, title="주문 9").exists()


def test_events_without_templates_or_unknown_names_are_ignored(consumer):
    _user, customer = consumer
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 1})
    assert deliveries() == []
    with pytest.raises(ValueError, match="not in the event catalogue"), schema_context("alpha"):
        event_record("test.unheard_of", {})


def test_guardians_receive_what_concerns_their_student(consumer):
    from apps.crm.models import GuardianContact

    user, customer = consumer
    workspace_set(notify_sms=True, language="ko")
    with schema_context("alpha"):
        GuardianContact.objects.create(customer_id=customer.pk, name="Kim Parent", relation="mother",
                                       phone="+821098765432", email="parent@example.com")
    add_template(language="ko", subject="알림 {{ n }}", body="{{ customer.name }} 학생 소식")
    add_template(channel="sms", language="ko", body="[알림] {{ customer.name }}")
    add_template(channel="in_app", language="ko", body="새 알림")
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 3})
    sent = {(d.channel, d.address or f"user:{d.user_id}", d.recipient_name) for d in deliveries()}
    assert sent == {("email", "minji@example.com", "Kim Minji"), ("email", "parent@example.com", "Kim Parent"),
                    ("sms", "+821023456789", "Kim Minji"), ("sms", "+821098765432", "Kim Parent"),
                    ("in_app", f"user:{user.pk}", "Kim Minji")}  # no inbox without an account
    parent_mail = deliveries(address="parent@example.com")[0]
    assert (parent_mail.language, parent_mail.customer_id, parent_mail.user_id) == ("ko", customer.pk, None)


def test_a_guardian_with_an_account_here_gets_it_in_their_language_inbox_and_by_their_choices(consumer):
    """The guardian contact's e-mail is the verified address of a customer account of this
    workspace: that account receives it (English, its in-app inbox, no text since it turned
    texts off); an unverified address or an account of another workspace stays a contact."""
    from allauth.account.models import EmailAddress

    from apps.crm.models import GuardianContact

    _user, child = consumer
    workspace_set(notify_sms=True, language="ko")
    parent, _parent_customer = make_consumer("alpha", "parent@example.com", language="en", phone="010-9876-5432")
    EmailAddress.objects.filter(user=parent).update(verified=True)
    stranger, _stranger_customer = make_consumer("beta", "aunt@example.com", language="en", phone="010-1111-2222")
    EmailAddress.objects.filter(user=stranger).update(verified=True)
    with schema_context("alpha"):
        GuardianContact.objects.create(customer_id=child.pk, name="Kim Parent", relation="mother",
                                       phone="+821098765432", email="Parent@Example.com")
        GuardianContact.objects.create(customer_id=child.pk, name="Kim Aunt", relation="aunt",
                                       phone="+821011112222", email="aunt@example.com")
    with schema_context("alpha"):
        preferences_update(user=parent, sms=False)
    for language in ("ko", "en"):
        add_template(language=language, subject=f"{language} {{{{ n }}}}", body="{{ customer.name }}")
        add_template(channel="in_app", language=language, subject=f"{language} inbox", body="-")
        add_template(channel="sms", language=language, body=f"{language} text")
    record("alpha", {"customer": {"id": child.pk, "name": child.name}, "n": 4})
    parent_rows = {(d.channel, d.language) for d in deliveries(user_id=parent.pk)}
    assert parent_rows == {("email", "en"), ("in_app", "en")}
    aunt_rows = {(d.channel, d.language, d.user_id) for d in deliveries(address__in=["aunt@example.com",
                                                                                      "+821011112222"])}
    assert aunt_rows == {("email", "ko", None), ("sms", "ko", None)}  # beta's account: still only a contact
