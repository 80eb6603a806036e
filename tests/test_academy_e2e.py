"""An academy's enrolment and attendance through real processes: the web server
(runserver), a Celery worker, the sandbox provider's hosted checkout page and the tenant
admin in Chromium.

A new academy has a monthly course, a teacher and a class of one seat meeting today ->
two guardians register on its host (HTTP) and confirm their e-mail; the front desk has
each one's child on file with the guardian's contact -> guardian A enrols their child
(pending payment, its order the first month's pro-rated tuition), guardian B's child goes
on the waitlist -> guardian A pays on the hosted page, the provider's signed webhook is
processed by the worker -> the enrolment is active, the month's tuition paid -> the
teacher logs into the admin and taps "absent" on today's roster -> guardian A is e-mailed
by the worker -> the worker runs the beat's tuition task for next month: guardian A is
e-mailed the invoice and pays it on the hosted page -> guardian A withdraws the child ->
guardian B's child is offered the seat (and B is told), B accepts -> pending payment ->
a second course is billed per pass: guardian A enrols the child (active at once), buys a
10-session pass and pays it; the child's attendance today uses one session.

Each step is a small helper (register_guardian, enrol, pay_order, ...) so that later
steps (tuition, passes) reuse them."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.payments.providers import merchant_provider
from platform_.celery import app
from tests.plugin import ARTIFACTS, PASSWORD, create_provisioned, read_live_mail, wait_for
from tests.workspace import let_the_worker_finish

pytestmark = [pytest.mark.worker, pytest.mark.browser]

SLUG = "e2e-academy"
SCHEMA = SLUG.replace("-", "_")
OWNER = f"owner@{SLUG}.test"
TEACHER = f"teacher@{SLUG}.test"
PASS_TEACHER = f"coach@{SLUG}.test"
GUARDIAN_A = f"mother@{SLUG}.test"
GUARDIAN_B = f"father@{SLUG}.test"
CLASS_NAME = "중등 수학 A"
COURSE_PRICE = 220000
PASS_CLASS_NAME = "중등 영어 회화"
PASS_NAME = "영어 회화 10회권"
PASS_PRICE = 150000
ZONE = "Asia/Seoul"


class Http:
    """Requests to the live server with a host's name (subdomains of localhost need not resolve)."""

    def __init__(self, base: str, host: str, token: str | None = None):
        self.base, self.host, self.token = base, host, token

    def __call__(self, method: str, path: str, body=None, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, self.base + path, json=body, timeout=20,
                                headers={"Host": self.host, "Accept": "application/json", **headers})

    def as_(self, token: str) -> Http:
        return Http(self.base, self.host, token)


def ok(response, status=(200, 201)):
    assert response.status_code in (status if isinstance(status, tuple) else (status,)), \
        f"{response.request.method} {response.request.path_url}: {response.status_code} {response.text[:500]}"
    return response.json()


def rows(payload):
    return payload["results"] if isinstance(payload, dict) else payload


# --- The academy (committed through the services, as the owner sets it up in the admin) -----


def _teacher(tenant, email: str = TEACHER, name: str = "Lee Jiwon") -> User:
    """A staff member with the academy's teacher role (apps.roletemplates ACADEMY_TEACHER)."""
    from apps.accounts.models import Membership
    from apps.accounts.services import membership_ensure
    from apps.rbac.models import Role
    from apps.rbac.services import role_assign
    from apps.staff.services import staff_profile_ensure

    user = User.objects.create_user(email, PASSWORD, full_name=name)
    membership_ensure(user=user, tenant=tenant, kind=Membership.Kind.STAFF)
    with schema_context(SCHEMA):
        staff_profile_ensure(user=user)
        role_assign(user=user, role=Role.objects.get(key="teacher"), branches=[])
    connection.set_schema_to_public()
    return user


def make_academy(committed) -> dict:
    """A fresh academy: a monthly course, a teacher, a one-seat class meeting every day from
    a few minutes ago (today's session is under way, its roll can be taken now)."""
    from apps.academy.models import Session
    from apps.academy.services import class_create, course_details_set
    from apps.branches.services import branch_create
    from apps.catalog.services import item_create

    for email in (OWNER, TEACHER, PASS_TEACHER, GUARDIAN_A, GUARDIAN_B):
        committed.email(email)
    tenant = create_provisioned(slug=committed.tenant_slug(SLUG), name="E2E Academy", business_type="academy",
                                owner_email=OWNER)
    owner = User.objects.get(email=OWNER)
    owner.set_password(PASSWORD)
    owner.save()
    teacher = _teacher(tenant)
    with schema_context(SCHEMA):
        branch = branch_create(actor=owner, name="대치 본원", timezone=ZONE)
        course = item_create(actor=owner, kind="course", name="중등 수학", price=COURSE_PRICE, vat_rate=0)
        course_details_set(item=course, actor=owner, subject="수학", level="중2", billing="monthly")
        now = local_now()
        start = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
        klass = class_create(course=course, teacher=teacher, branch=branch, capacity=1, weekdays=list(range(7)),
                             start_time=start.time(), duration_minutes=120,
                             starts_on=now.date() - dt.timedelta(days=1), room="301", name=CLASS_NAME, actor=owner)
        session = Session.objects.get(klass=klass, starts_at=start)
    connection.set_schema_to_public()
    return {"tenant": tenant, "owner": owner, "teacher": teacher, "branch": branch, "course": course,
            "klass": klass, "session": session, "start": start}


def local_now() -> dt.datetime:
    return timezone.now().astimezone(dt.timezone(dt.timedelta(hours=9)))  # Asia/Seoul has no DST


def first_month_tuition(today: dt.date) -> int:
    """The first month of a class meeting every day, for a seat taken `today` (no holidays):
    the share of the month's sessions left (apps.academy.services.tuition.tuition_quote)."""
    days = calendar.monthrange(today.year, today.month)[1]
    return COURSE_PRICE * (days - today.day + 1) // days


def add_pass_course(school: dict) -> dict:
    """A second course, billed per pass, with a class meeting every day at the same time
    as the first one (so a session is under way today) in another room with another
    teacher (one teacher cannot teach both), and a 10-session pass on sale for it."""
    from apps.academy.models import Session
    from apps.academy.services import class_create, course_details_set
    from apps.academy.services.passes import pass_plan_set
    from apps.catalog.services import item_create

    owner, start = school["owner"], school["start"]
    teacher = _teacher(school["tenant"], PASS_TEACHER, "Park Minho")
    with schema_context(SCHEMA):
        course = item_create(actor=owner, kind="course", name="중등 영어", price=0, vat_rate=0)
        course_details_set(item=course, actor=owner, subject="영어", level="중2", billing="pass")
        klass = class_create(course=course, teacher=teacher, branch=school["branch"], capacity=10,
                             weekdays=list(range(7)), start_time=start.time(), duration_minutes=90,
                             starts_on=school["klass"].starts_on, room="302", name=PASS_CLASS_NAME, actor=owner)
        session = Session.objects.get(klass=klass, starts_at=start)
        item = item_create(actor=owner, kind="product", name=PASS_NAME, price=PASS_PRICE, vat_rate=0)
        plan = pass_plan_set(item=item, kind="count", sessions=10, valid_days=60, course=course, actor=owner)
    connection.set_schema_to_public()
    return {"teacher": teacher, "course": course, "klass": klass, "session": session, "plan": plan}


# --- People and their requests ------------------------------------------------------------------


def staff_api(shop: Http, email: str) -> Http:
    tokens = ok(requests.post(shop.base + "/api/v1/auth/token/", json={"email": email, "password": PASSWORD},
                              headers={"Host": shop.host}, timeout=20))
    return shop.as_(tokens["access"])


def confirm_email(shop: Http, mail: Path, email: str) -> None:
    """Follow the confirmation link of the mail the web server sent (GET the page, POST its form)."""
    def link():
        for body in read_live_mail(mail, email):
            found = re.search(r"https?://\S+?(/accounts/confirm-email/[^\s\"<]+/)", body)
            if found:
                return found.group(1)

    path = wait_for(link, f"the confirmation mail to {email}", seconds=20)
    browser = requests.Session()
    page = browser.get(shop.base + path, headers={"Host": shop.host}, timeout=20)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    confirmed = browser.post(shop.base + path, data={"csrfmiddlewaretoken": token}, allow_redirects=False,
                             headers={"Host": shop.host}, timeout=20)
    assert confirmed.status_code == 302, confirmed.text[:500]


def register_guardian(shop: Http, mail: Path, email: str, name: str) -> Http:
    """A parent registers on the academy's host and confirms their e-mail (their children are
    the students whose guardian contact has that e-mail). Returns their API client."""
    registered = ok(shop("POST", "/api/v1/auth/register/", {
        "email": email, "password": "long-enough-pass-42", "name": name, "language": "ko",
        "consents": {"terms": True, "privacy": True, "marketing": False}}), 201)
    assert registered["email_verified"] is False
    guardian = shop.as_(registered["tokens"]["access"])
    confirm_email(shop, mail, email)
    assert ok(guardian("GET", "/api/v1/my/profile/"))["email_verified"] is True
    return guardian


def add_child(desk: Http, *, name: str, guardian_email: str, guardian_name: str, phone: str, branch) -> int:
    """The front desk registers a minor with their guardian's contact (consumers under 19
    cannot register themselves)."""
    child = ok(desk("POST", "/api/v1/customers/", {
        "name": name, "birth_date": "2013-05-01", "branch": branch.pk,
        "guardians": [{"name": guardian_name, "relation": "parent", "phone": phone, "email": guardian_email}]}), 201)
    return child["id"]


def my_child(guardian: Http, name: str) -> int:
    children = ok(guardian("GET", "/api/v1/my/children/"))
    return next(child["id"] for child in children if child["name"] == name)


def open_class(shop: Http, name: str) -> dict:
    """The class as anyone browsing the academy's open classes sees it."""
    return next(row for row in rows(ok(requests.get(shop.base + "/api/v1/academy/classes/open/", timeout=20,
                                                   headers={"Host": shop.host})))
                if row["name"] == name)


def enrol(guardian: Http, klass: int, child: int) -> dict:
    return ok(guardian("POST", "/api/v1/my/enrolments/", {"klass": klass, "student": child}), 201)


def my_enrolment(guardian: Http, enrolment_id: int) -> dict:
    return next(row for row in rows(ok(guardian("GET", "/api/v1/my/enrolments/"))) if row["id"] == enrolment_id)


def enrolment_becomes(guardian: Http, enrolment_id: int, status: str, seconds: float = 60) -> dict:
    return wait_for(lambda: (row := my_enrolment(guardian, enrolment_id))["status"] == status and row,
                    f"enrolment {enrolment_id} to become {status}", seconds=seconds)


def pay_order(guardian: Http, browser, public_base: str, order_id: int, total: int, shot: str = "paid") -> str:
    """Pay the order on the provider's hosted page, as the consumer does (a real browser);
    the provider's signed webhook then reaches the platform. Returns the payment's reference."""
    checkout = ok(guardian("POST", f"/api/v1/orders/{order_id}/pay/"), 201)
    url = public_base + "/payments/" + checkout["checkout_url"].split("/payments/", 1)[1]
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(url)
        assert "E2E Academy" in page.inner_text("#merchant")
        assert page.inner_text("#amount").replace(",", "").endswith(str(total))
        page.click("#card_success")
        page.wait_for_selector("#result")
        page.screenshot(path=str(ARTIFACTS / f"academy-e2e-{shot}-ko-390.png"), full_page=True)
    finally:
        context.close()
    return checkout["reference"]


def mark_in_roster(browser, live_server_url: str, email: str, session_id: int, child: int, status: str) -> None:
    """Staff log into the tenant admin, open today's session from the dashboard and tap
    `status` for the child (each tap is saved at once)."""
    base = live_server_url.format(host=f"{SLUG}.localhost")
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(base + "/admin/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#dashboard")
        page.locator(f"#card-academy-today a[href$='/academy/session/{session_id}/roster/']").first.click()
        row = page.locator(f"li[data-student='{child}']")
        row.wait_for()
        with page.expect_navigation():
            row.locator(f"button[value={status}]").click()
        assert page.locator(f"li[data-student='{child}']").get_attribute("data-status") == status
        page.screenshot(path=str(ARTIFACTS / "academy-e2e-roster-ko-390.png"), full_page=True)
    finally:
        context.close()


def mail_saying(mail: Path, to: str, *needles: str, seconds: float = 60) -> str:
    return wait_for(lambda: next((body for body in read_live_mail(mail, to) if all(n in body for n in needles)), None),
                    f"a mail to {to} saying {needles}", seconds=seconds)


def emailed(mail: Path, to: str, event: str, seconds: float = 60, **data):
    """The e-mail the worker sent `to` for the `event` whose data has `data` (keys as in a
    JSON lookup: invoice__id=...): its Delivery row, once its body is in the mail sent."""
    from apps.notifications.models import Delivery

    lookup = {f"event__data__{key}": value for key, value in data.items()}

    def sent():
        with schema_context(SCHEMA):
            row = Delivery.objects.filter(event_name=event, channel="email", address=to,
                                          status=Delivery.Status.SENT, **lookup).first()
        connection.set_schema_to_public()
        return row

    delivery = wait_for(sent, f"the {event} e-mail to {to} ({data})", seconds=seconds)
    lines = [html.escape(line.strip()) for line in delivery.body.splitlines() if line.strip()]
    mail_saying(mail, to, *lines, seconds=10)  # the mail's HTML part shows the text line by line
    return delivery


def withdraw(guardian: Http, enrolment_id: int, reason: str) -> dict:
    return ok(guardian("POST", f"/api/v1/my/enrolments/{enrolment_id}/withdraw/", {"reason": reason}), 200)


def accept_offer(guardian: Http, enrolment_id: int) -> dict:
    return ok(guardian("POST", f"/api/v1/my/enrolments/{enrolment_id}/accept-offer/"), 200)


def my_tuition(guardian: Http, period: dt.date) -> dict | None:
    """The guardian's tuition invoice for the month of `period` (None before it is issued)."""
    return next((row for row in rows(ok(guardian("GET", "/api/v1/my/tuition/")))
                 if row["period"] == period.isoformat()), None)


def tuition_becomes(guardian: Http, period: dt.date, status: str, seconds: float = 60) -> dict:
    return wait_for(lambda: (row := my_tuition(guardian, period)) and row["status"] == status and row,
                    f"the tuition of {period:%Y-%m} to become {status}", seconds=seconds)


def run_beat_task(name: str, *args) -> None:
    """What the beat does: the task sent to the worker's queue."""
    app.send_task(name, args=args, queue=app.conf.task_default_queue)


def my_pass(guardian: Http, pass_id: int) -> dict:
    return next(row for row in rows(ok(guardian("GET", "/api/v1/my/passes/"))) if row["id"] == pass_id)


# --- The walk ---------------------------------------------------------------------------------


def test_guardians_enrol_pay_tuition_hear_of_an_absence_pass_a_seat_on_and_use_a_pass(
        celery_worker_process, live_server_url, live_server_mail, committed, browser):
    from apps.academy.models import Attendance, Enrolment, TuitionInvoice
    from apps.inbound.models import InboundEvent
    from apps.orders.models import Order

    school = make_academy(committed)
    klass, session = school["klass"], school["session"]
    shop = Http(live_server_url.format(host="127.0.0.1"), f"{SLUG}.{settings.BASE_DOMAIN}")
    public_base = live_server_url.format(host="localhost")
    provider = merchant_provider()
    provider.register_webhook_url(public_base + "/api/v1/platform/webhooks/merchant-payments/")
    today = local_now().date()
    this_month = today.replace(day=1)
    next_month = (this_month + dt.timedelta(days=31)).replace(day=1)
    first_month = first_month_tuition(today)
    try:
        # 1. Two parents register and confirm their e-mail; the desk has their children on file.
        mother = register_guardian(shop, live_server_mail, GUARDIAN_A, "김엄마")
        father = register_guardian(shop, live_server_mail, GUARDIAN_B, "박아빠")
        desk = staff_api(shop, OWNER)
        add_child(desk, name="김지훈", guardian_email=GUARDIAN_A, guardian_name="김엄마", phone="010-2345-6789",
                  branch=school["branch"])
        add_child(desk, name="박서연", guardian_email=GUARDIAN_B, guardian_name="박아빠", phone="010-3456-7890",
                  branch=school["branch"])
        jihoon, seoyeon = my_child(mother, "김지훈"), my_child(father, "박서연")
        assert "박서연" not in {child["name"] for child in ok(mother("GET", "/api/v1/my/children/"))}

        # 2. One seat: the first child takes it (pending payment, its order the first month's
        #    tuition, pro-rated from today), the second waits.
        offered = open_class(shop, CLASS_NAME)
        assert offered["id"] == klass.pk
        first = enrol(mother, klass.pk, jihoon)
        assert first["status"] == "pending_payment" and first["order"], first
        second = enrol(father, klass.pk, seoyeon)
        assert second["status"] == "waitlisted" and second["waitlist_position"] == 1 and not second["order"], second
        invoice = my_tuition(mother, this_month)
        assert invoice and (invoice["enrolment"], invoice["order"], invoice["status"], invoice["total"],
                            invoice["list_amount"]) == (first["id"], first["order"], "open", first_month,
                                                        COURSE_PRICE), invoice
        assert my_tuition(father, this_month) is None

        # 3. The mother pays on the hosted page; the worker processes the provider's webhook:
        #    the enrolment is active, the month's tuition paid.
        reference = pay_order(mother, browser, public_base, first["order"], first_month)
        active = enrolment_becomes(mother, first["id"], "active")
        assert active["activated_at"]
        assert InboundEvent.objects.get(source="merchant_payments", event_type="Transaction.Paid",
                                        payload__data__payment_id=reference).status == "processed"
        with schema_context(SCHEMA):
            assert Order.objects.get(pk=first["order"]).paid_amount == first_month
        connection.set_schema_to_public()
        paid = my_tuition(mother, this_month)
        assert (paid["id"], paid["status"], paid["paid_via"], bool(paid["paid_at"])) == \
            (invoice["id"], "paid", "online", True), paid

        # 4. The teacher takes today's roll in the admin: Jihoon is absent.
        mark_in_roster(browser, live_server_url, TEACHER, session.pk, jihoon, "absent")
        with schema_context(SCHEMA):
            mark = Attendance.objects.get(session=session, student_id=jihoon)
            assert (mark.status, mark.marked_by_id) == ("absent", school["teacher"].pk)
        connection.set_schema_to_public()
        attendance = rows(ok(mother("GET", "/api/v1/my/attendance/")))
        assert [(row["student"], row["status"]) for row in attendance] == [(jihoon, "absent")]

        # 5. The worker tells the mother (the child's guardian contact), in the academy's language.
        told = mail_saying(live_server_mail, GUARDIAN_A, "김지훈 학생이", "결석")
        assert CLASS_NAME in told
        assert not [body for body in read_live_mail(live_server_mail, GUARDIAN_B) if "결석" in body]

        # 6. Next month's billing day: the worker runs the beat's tuition task; the mother is
        #    e-mailed the invoice (a full month) and pays its order on the hosted page.
        run_beat_task("academy.tuition_issue", next_month.isoformat())
        issued = tuition_becomes(mother, next_month, "open")
        assert issued["order"] and (issued["enrolment"], issued["total"], issued["proration"]) == \
            (first["id"], COURSE_PRICE, 0), issued
        with schema_context(SCHEMA):
            order = Order.objects.get(pk=issued["order"])
            assert (order.customer_id, order.kind, order.total) == (jihoon, "tuition", COURSE_PRICE)
        connection.set_schema_to_public()
        told = emailed(live_server_mail, GUARDIAN_A, "academy.tuition_issued", invoice__id=issued["id"])
        assert (told.customer_id, told.language) == (jihoon, "ko") and CLASS_NAME in told.body, told.body
        pay_order(mother, browser, public_base, issued["order"], COURSE_PRICE, shot="tuition")
        settled = tuition_becomes(mother, next_month, "paid")
        assert (settled["id"], settled["paid_via"]) == (issued["id"], "online"), settled
        assert my_tuition(father, next_month) is None

        # 7. The mother withdraws Jihoon: the seat is offered to Seoyeon; her father is told and accepts.
        gone = withdraw(mother, first["id"], "이사를 가게 되었습니다")
        assert gone["status"] == "withdrawn" and gone["withdrawn_at"]
        waiting = my_enrolment(father, second["id"])
        assert waiting["status"] == "offered" and waiting["offer_expires_at"], waiting
        mail_saying(live_server_mail, GUARDIAN_B, "박서연", CLASS_NAME, "수락")
        taken = accept_offer(father, second["id"])
        assert taken["status"] == "pending_payment" and taken["order"], taken
        with schema_context(SCHEMA):
            order = Order.objects.get(pk=taken["order"])
            assert (order.customer_id, order.kind, order.total) == (seoyeon, "enrolment", first_month)
            assert list(Enrolment.objects.filter(klass=klass).values_list("student_id", "status")
                        .order_by("pk")) == [(jihoon, "withdrawn"), (seoyeon, "pending_payment")]
            assert list(TuitionInvoice.objects.filter(student_id=jihoon).values_list("period", "status")
                        .order_by("period")) == [(this_month, "paid"), (next_month, "paid")]
        connection.set_schema_to_public()

        # 8. A course billed per pass: the mother enrols Jihoon (active at once, nothing to
        #    pay), buys a 10-session pass and pays it; today's attendance uses a session.
        english = add_pass_course(school)
        joined = enrol(mother, english["klass"].pk, jihoon)
        assert (joined["status"], joined["order"]) == ("active", None), joined
        plan = next(row for row in ok(mother("GET", "/api/v1/my/pass-plans/")) if row["name"] == PASS_NAME)
        assert (plan["id"], plan["sessions"], plan["price"]) == (english["plan"].pk, 10, PASS_PRICE), plan
        bought = ok(mother("POST", "/api/v1/my/passes/", {"plan": plan["id"], "student": jihoon}), 201)
        assert (bought["status"], bought["price"], bought["sessions_left"]) == ("pending_payment", PASS_PRICE, 10)
        assert bought["order"], bought
        pay_order(mother, browser, public_base, bought["order"], PASS_PRICE, shot="pass")
        usable = wait_for(lambda: (row := my_pass(mother, bought["id"]))["status"] == "active" and row,
                          "the pass to become active", seconds=60)
        assert (usable["sessions_left"], usable["valid_from"]) == (10, today.isoformat()), usable
        coach = staff_api(shop, PASS_TEACHER)
        roster = ok(coach("POST", f"/api/v1/academy/sessions/{english['session'].pk}/attendance/",
                          {"records": [{"student": jihoon, "status": "present"}]}), 200)
        assert [(row["student"], row["status"]) for row in roster if row["student"] == jihoon] == \
            [(jihoon, "present")], roster
        used = my_pass(mother, bought["id"])
        assert (used["status"], used["sessions_used"], used["sessions_left"]) == ("active", 1, 9), used
    finally:
        provider.register_webhook_url("")
        let_the_worker_finish(SCHEMA)
