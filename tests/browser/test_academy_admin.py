"""An academy's day in the workspace admin, in a real browser (Playwright + Debian
Chromium), in English and Korean, at 1280x800 and at a phone's 390x844.

One academy workspace, provisioned once for the module, with committed data made through
the services: two teachers, a class each (the first meets every day, so today has a
session), students enrolled, sessions generated. Each run walks

1. as the owner: the dashboard's "Today's sessions" (the class, linking to its roster);
   the classes with their schedules in words and seats; the week's timetable (both
   classes, the next week's link); the roster of today's session: one tap marks a
   student absent -> the attendance row in the database;
2. as the first teacher: today's sessions and the timetable show their class only, and
   the other teacher's roster is not found.

Assertions are on what a person sees in the page's language; no page scrolls sideways.
Screenshots: test-artifacts/academy-<step>-<lang>-<width>.png."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser import screens
from tests.browser.screens import RUN_IDS, RUNS
from tests.plugin import PASSWORD, Committed, create_provisioned

pytestmark = pytest.mark.browser

SLUG = "academy-ui"
SCHEMA = SLUG.replace("-", "_")
OWNER = f"owner@{SLUG}.test"
TEACHER = f"lee@{SLUG}.test"
OTHER = f"park@{SLUG}.test"
LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:(?:view|add|change|delete)\b")
STUDENTS = ["김지훈", "박서연", "Olivia Kim", "최민준"]
DAILY, WEEKLY = "중등 수학 A", "Physics B"

WORDS = {
    "en": {"today": "Today's sessions", "timetable": "Timetable", "absent": "Absent", "kiosk": "Kiosk code",
           "schedule": "Mon, Wed 16:00 · 90 min", "seats": "1 of 12", "pending": "Pending payment"},
    "ko": {"today": "오늘의 수업", "timetable": "시간표", "absent": "결석", "kiosk": "키오스크 코드",
           "schedule": "월, 수 16:00 · 90분", "seats": "1 / 12", "pending": "결제 대기"},
}


def host_url(live_server_url, path="/admin/"):
    return live_server_url.format(host=f"{SLUG}.localhost") + path


def shoot(page, step, language, width):
    screens.shoot(page, f"academy-{step}-{language}-{width}")


def no_raw_codes(page, where="#content"):
    return screens.no_raw_codes(page, where, pattern=RAW_CODE)


def in_school(function, *args, **kwargs):
    with schema_context(SCHEMA):
        result = function(*args, **kwargs)
    connection.set_schema_to_public()
    return result


def _staff(tenant, email: str, name: str, role: str):
    from apps.accounts.models import Membership, User
    from apps.accounts.services import membership_ensure
    from apps.rbac.models import Role
    from apps.rbac.services import role_assign
    from apps.staff.services import staff_profile_ensure

    user = User.objects.create_user(email, PASSWORD, full_name=name)
    membership_ensure(user=user, tenant=tenant, kind=Membership.Kind.STAFF)
    with schema_context(SCHEMA):
        staff_profile_ensure(user=user)
        role_assign(user=user, role=Role.objects.get(key=role), branches=[])
    connection.set_schema_to_public()
    return user


@pytest.fixture(scope="module")
def school(platform_seed, django_db_blocker):
    """The academy, once for all its runs, committed for the web server, removed after."""
    from apps.academy.models import Session
    from apps.academy.services import class_create, enrolment_create
    from apps.accounts.models import User
    from apps.branches.services import branch_create
    from apps.catalog.models import Item
    from apps.crm.models import Customer

    helper = Committed()
    with django_db_blocker.unblock():
        helper.tenant_slug(SLUG)
        for email in (OWNER, TEACHER, OTHER):
            helper.email(email)
        try:
            tenant = create_provisioned(slug=SLUG, name="Haneul Academy", business_type="academy",
                                        owner_email=OWNER)
            connection.set_schema_to_public()
            owner = User.objects.get(email=OWNER)
            owner.set_password(PASSWORD)
            owner.save()
            lee, park = _staff(tenant, TEACHER, "Lee Jiwon", "teacher"), _staff(tenant, OTHER, "Park Minho", "teacher")
            with schema_context(SCHEMA):
                branch = branch_create(actor=owner, name="대치 본원", timezone="Asia/Seoul")
                math = Item.objects.create(kind=Item.Kind.COURSE, name="중등 수학", price=220000, vat_rate=0)
                physics = Item.objects.create(kind=Item.Kind.COURSE, name="Physics", price=180000, vat_rate=0)
                daily = class_create(course=math, teacher=lee, branch=branch, capacity=12, weekdays=list(range(7)),
                                     start_time=dt.time(23, 0), duration_minutes=50,
                                     starts_on=timezone.now().date() - dt.timedelta(days=7), room="301",
                                     name=DAILY, actor=owner)
                weekly = class_create(course=physics, teacher=park, branch=branch, capacity=12, weekdays=[0, 2],
                                      start_time=dt.time(16, 0), duration_minutes=90,
                                      starts_on=timezone.now().date() - dt.timedelta(days=7), room="302",
                                      name=WEEKLY, actor=owner)
                students = [Customer.objects.create(name=name, branch=branch) for name in STUDENTS]
                for student in students[:3]:
                    enrolment_create(student=student, klass=daily, actor=owner)
                enrolment_create(student=students[3], klass=weekly, actor=owner)
                today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=9))).date()
                session = next(s for s in Session.objects.filter(klass=daily).order_by("starts_at")
                               if s.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9))).date() == today)
                other_session = Session.objects.filter(klass=weekly).order_by("starts_at").first()
            connection.set_schema_to_public()
            yield {"tenant": tenant, "owner": owner, "lee": lee, "park": park, "daily": daily, "weekly": weekly,
                   "students": students, "session": session, "other_session": other_session}
        finally:
            connection.set_schema_to_public()
            helper.cleanup()


def log_in(browser, live_server_url, email, language, width):
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORTS[width])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(host_url(live_server_url))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return page


@pytest.mark.parametrize("run", RUNS, ids=RUN_IDS)
def test_an_academys_day(browser, live_server_url, school, run):
    from apps.academy.models import Attendance
    from apps.academy.services import attendance_take

    language, width = run
    words = WORDS[language]
    session, other_session = school["session"], school["other_session"]
    student = school["students"][RUNS.index(run) % 3]
    # this run's tap must change something: the student starts present
    in_school(lambda: attendance_take(session=session, records=[{"student": student.pk, "status": "present"}],
                                      actor=school["owner"]))

    page = log_in(browser, live_server_url, OWNER, language, width)
    try:
        # 1. the dashboard: today's session of the daily class, linking to its roster
        card = page.locator("#card-academy-today")
        assert words["today"] in card.inner_text()
        assert DAILY in card.inner_text()
        assert card.locator(f"a[href$='/academy/session/{session.pk}/roster/']").count() >= 1
        shoot(page, "dashboard", language, width)

        # 2. the classes: schedules in words, seats of the capacity
        page.goto(host_url(live_server_url, "/admin/academy/class/"))
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        assert words["schedule"] in text and words["seats"] in text, text
        shoot(page, "classes", language, width)

        # 3. the week's timetable: both classes in the week of the weekly class's session
        week = other_session.starts_at.date().isoformat()
        page.goto(host_url(live_server_url, f"/admin/academy/session/?week={week}"))
        grid = page.locator("#timetable-grid")
        assert DAILY in grid.inner_text() and WEEKLY in grid.inner_text()
        no_raw_codes(page)
        if width >= 1280:  # the seven days fit beside the sidebar: Sunday needs no sideways scroll
            fits = page.evaluate("() => { const s = document.querySelector('.academy-week-scroll');"
                                 " return [s.scrollWidth, s.clientWidth]; }")
            assert fits[0] <= fits[1], fits
        shoot(page, "timetable", language, width)
        page.click("#week-next")
        page.wait_for_selector("#timetable-grid")
        assert "week=" in page.url and week not in page.url

        # 4. the roster of today's session: one tap marks the student absent
        page.goto(host_url(live_server_url, f"/admin/academy/session/{session.pk}/roster/"))
        assert session.check_in_code in page.inner_text("#check-in-code")
        assert words["kiosk"] in page.inner_text("#check-in-code")
        row = page.locator(f"li[data-student='{student.pk}']")
        assert row.get_attribute("data-status") == "present"
        with page.expect_navigation():
            row.locator("button[value=absent]").click()
        row = page.locator(f"li[data-student='{student.pk}']")
        assert row.get_attribute("data-status") == "absent"
        assert words["absent"] in row.inner_text()
        assert in_school(lambda: Attendance.objects.get(session=session, student=student).status) == "absent"
        no_raw_codes(page)
        shoot(page, "roster", language, width)

        # 5. the enrolments and a class's waitlist (nobody waits: the class has seats)
        page.goto(host_url(live_server_url, "/admin/academy/enrolment/?status__exact=pending_payment"))
        page.wait_for_selector("#result_list")
        assert words["pending"].casefold() in no_raw_codes(page).casefold()  # badges are set in capitals
        shoot(page, "enrolments", language, width)
        page.goto(host_url(live_server_url, f"/admin/academy/class/{school['daily'].pk}/waitlist/"))
        assert page.locator("#waitlist-empty").is_visible()
        no_raw_codes(page)
        shoot(page, "waitlist", language, width)
    finally:
        page.context.close()

    # 6. the teacher: their own class only
    page = log_in(browser, live_server_url, TEACHER, language, width)
    try:
        card = page.locator("#card-academy-today")
        assert DAILY in card.inner_text() and WEEKLY not in card.inner_text()
        page.goto(host_url(live_server_url, f"/admin/academy/session/?week={week}"))
        grid = page.locator("#timetable-grid").inner_text()
        assert DAILY in grid and WEEKLY not in grid
        shoot(page, "teacher-timetable", language, width)
        response = page.goto(host_url(live_server_url, f"/admin/academy/session/{other_session.pk}/roster/"))
        assert response.status == 404
        page.goto(host_url(live_server_url, f"/admin/academy/session/{session.pk}/roster/"))
        assert page.locator("button[value=absent]").count() == 3
        shoot(page, "teacher-roster", language, width)
    finally:
        page.context.close()
