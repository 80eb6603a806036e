"""The academy API end to end over HTTP: classes, sessions (cancel, move, substitute),
holidays, students, enrolments (waitlist, withdraw, offer), attendance (roster, marking,
kiosk check-in); scope (a teacher sees and marks only their own); the consumer side (a
guardian's children, their attendance, enrolling); bad input is our error shape and
changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from tests.plugin import PASSWORD, client_for
from tests.workspace import api, make_staff, tenant

from .conftest import make_branch, make_class, make_course, make_student, make_teacher

JSON = "application/json"
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]
MOTHER = "mother@academy.test"


def in_alpha(function, *args, **kwargs):
    with schema_context("alpha"):
        return function(*args, **kwargs)


@pytest.fixture
def world(db, owner_alpha):
    """North (teacher A's class "Mine", 1 seat, Jihoon in it; "Evening" in the same room
    later) and South (teacher B's class "Theirs", Sora in it); a clerk of North."""
    from apps.academy.services import enrolment_create

    teacher_a = make_teacher("teacher-a@academy.test")
    teacher_b = make_teacher("teacher-b@academy.test")
    today = timezone.localdate()
    with schema_context("alpha"):
        north, south = make_branch("North"), make_branch("South")
        course = make_course()
        mine = make_class(teacher=teacher_a, branch=north, course=course, actor=owner_alpha, name="Mine",
                          capacity=1, weekdays=ALL_DAYS, starts_on=today, start_time=dt.time(9, 0))
        evening = make_class(teacher=teacher_a, branch=north, course=course, actor=owner_alpha, name="Evening",
                             weekdays=ALL_DAYS, starts_on=today, start_time=dt.time(18, 0))
        theirs = make_class(teacher=teacher_b, branch=south, course=course, actor=owner_alpha, name="Theirs",
                            weekdays=ALL_DAYS, starts_on=today, start_time=dt.time(9, 0))
        jihoon = make_student("Kim Jihoon", guardian_email=MOTHER, branch=north)
        sora = make_student("Park Sora", branch=south)
        enrolment_create(student=jihoon, klass=mine, actor=owner_alpha)
        enrolment_create(student=sora, klass=theirs, actor=owner_alpha)
    clerk = make_staff("alpha", "clerk@academy.test", ["clerk"], [north])
    connection.set_schema_to_public()
    return {"owner": api("alpha", "owner@alpha.test"), "teacher_a": api("alpha", "teacher-a@academy.test"),
            "teacher_b": api("alpha", "teacher-b@academy.test"), "clerk": api("alpha", clerk.email),
            "teacher_a_user": teacher_a, "teacher_b_user": teacher_b, "north": north, "south": south,
            "course": course, "mine": mine, "evening": evening, "theirs": theirs, "jihoon": jihoon, "sora": sora}


def first_session(klass):
    from apps.academy.models import Session

    with schema_context("alpha"):
        return Session.objects.filter(klass=klass, status="scheduled").order_by("starts_at").first()


def error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code, response.content
    return response.json()["error"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Classes ----------------------------------------------------------------------------


def test_classes_are_created_listed_read_and_changed(world):
    from apps.academy.models import Session

    owner = world["owner"]
    body = {"course": world["course"].pk, "teacher": world["teacher_b_user"].pk, "branch": world["south"].pk,
            "name": "Science", "room": "305", "capacity": 8, "weekdays": [1, 3], "start_time": "15:00",
            "duration_minutes": 60, "starts_on": timezone.localdate().isoformat()}
    created = owner.post("/api/v1/academy/classes/", body, content_type=JSON)
    assert created.status_code == 201, created.content
    klass = created.json()
    assert klass["branch_name"] == "South" and klass["weekdays"] == [1, 3] and klass["start_time"] == "15:00:00"
    assert in_alpha(lambda: Session.objects.filter(klass_id=klass["id"]).exists())
    assert klass["id"] in ids(owner.get("/api/v1/academy/classes/", {"branch": world["south"].pk}))
    assert owner.get(f"/api/v1/academy/classes/{klass['id']}/").json()["name"] == "Science"
    changed = owner.patch(f"/api/v1/academy/classes/{klass['id']}/", {"capacity": 12, "room": "306"},
                          content_type=JSON)
    assert changed.status_code == 200 and changed.json()["capacity"] == 12 and changed.json()["room"] == "306"


def test_a_class_with_bad_input_or_an_overlapping_room_changes_nothing(world):
    from apps.academy.models import Class

    owner, before = world["owner"], in_alpha(Class.objects.count)
    body = {"course": world["course"].pk, "teacher": world["teacher_b_user"].pk, "branch": world["north"].pk,
            "room": "201", "capacity": 5, "weekdays": [0], "start_time": "09:30", "duration_minutes": 60,
            "starts_on": timezone.localdate().isoformat()}
    clash = error(owner.post("/api/v1/academy/classes/", body, content_type=JSON), 409, "academy_schedule_overlap")
    assert clash["details"]["class"] == world["mine"].pk
    error(owner.post("/api/v1/academy/classes/", {**body, "weekdays": [7]}, content_type=JSON), 400,
          "validation_error")
    error(owner.post("/api/v1/academy/classes/", {**body, "room": "999", "teacher": 987654}, content_type=JSON),
          422, "academy_teacher_not_staff")
    # a clerk may not create classes; a manager of North may not create one in South
    error(world["clerk"].post("/api/v1/academy/classes/", body, content_type=JSON), 403, "permission_denied")
    make_staff("alpha", "manager@academy.test", ["manager"], [world["north"]])
    connection.set_schema_to_public()
    manager = api("alpha", "manager@academy.test")
    refused = manager.post("/api/v1/academy/classes/", {**body, "room": "999", "branch": world["south"].pk},
                           content_type=JSON)
    assert error(refused, 400, "validation_error")["details"]["branch"]
    # nor change a class of South: outside the reach is absent
    error(manager.patch(f"/api/v1/academy/classes/{world['theirs'].pk}/", {"capacity": 3}, content_type=JSON),
          404, "not_found")
    assert in_alpha(Class.objects.count) == before


def test_anyone_browses_classes_with_their_free_seats(world):
    response = client_for("alpha").get("/api/v1/academy/classes/open/")
    assert response.status_code == 200, response.content
    rows = {row["name"]: row for row in response.json()["results"]}
    assert rows["Mine"]["seats_free"] == 0 and rows["Evening"]["seats_free"] == 10
    assert rows["Mine"]["price"] == 220000
    assert client_for("alpha").post("/api/v1/academy/classes/open/", {}, content_type=JSON).status_code == 405


# --- Sessions and holidays ---------------------------------------------------------------


def test_sessions_by_date_range_cancel_move_and_substitute(world):
    owner, mine = world["owner"], world["mine"]
    session = first_session(mine)
    day = session.starts_at.date().isoformat()
    listed = owner.get("/api/v1/academy/sessions/", {"klass": mine.pk, "date_from": day, "date_to": day})
    assert ids(listed) == [session.pk]
    assert listed.json()["results"][0]["check_in_code"] == session.check_in_code
    # cancel: a reason is required; twice is refused
    error(owner.post(f"/api/v1/academy/sessions/{session.pk}/cancel/", {}, content_type=JSON), 400,
          "validation_error")
    cancelled = owner.post(f"/api/v1/academy/sessions/{session.pk}/cancel/", {"reason": "Teacher is ill"},
                           content_type=JSON)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    error(owner.post(f"/api/v1/academy/sessions/{session.pk}/cancel/", {"reason": "Again"}, content_type=JSON),
          409, "academy_session_cancelled")
    # move onto the Evening class's session in the same room: refused, nothing moved (sessions
    # still ahead: a move into the past is refused first, whatever the time of day the suite runs)
    soon = timezone.now() + dt.timedelta(hours=1)
    later = in_alpha(lambda: type(session).objects.filter(klass=world["evening"], status="scheduled",
                                                          starts_at__gt=soon).order_by("starts_at").first())
    target = in_alpha(lambda: type(later).objects.filter(klass=mine, status="scheduled", starts_at__gt=soon)
                      .order_by("starts_at").first())
    clash = owner.post(f"/api/v1/academy/sessions/{target.pk}/move/", {"starts_at": later.starts_at.isoformat()},
                       content_type=JSON)
    assert error(clash, 409, "academy_session_overlap")["details"]["session"] == later.pk
    assert in_alpha(lambda: type(target).objects.get(pk=target.pk).starts_at) == target.starts_at
    free = target.starts_at + dt.timedelta(hours=3)
    moved = owner.post(f"/api/v1/academy/sessions/{target.pk}/move/", {"starts_at": free.isoformat()},
                       content_type=JSON)
    assert moved.status_code == 200, moved.content
    assert dt.datetime.fromisoformat(moved.json()["starts_at"]) == free
    # a substitute: a staff member, or refused
    substitute = owner.post(f"/api/v1/academy/sessions/{target.pk}/substitute/",
                            {"teacher": world["teacher_b_user"].pk}, content_type=JSON)
    assert substitute.status_code == 200 and substitute.json()["substitute_teacher"] == world["teacher_b_user"].pk
    error(owner.post(f"/api/v1/academy/sessions/{target.pk}/substitute/", {"teacher": 987654}, content_type=JSON),
          422, "academy_teacher_not_staff")
    # the substitute now sees that session (and teacher A still does)
    assert target.pk in ids(world["teacher_b"].get("/api/v1/academy/sessions/", {"klass": mine.pk}))
    # a teacher may not cancel sessions at all
    error(world["teacher_a"].post(f"/api/v1/academy/sessions/{target.pk}/cancel/", {"reason": "x"},
                                  content_type=JSON), 403, "permission_denied")


def test_holidays_are_listed_added_and_removed(world):
    from apps.academy.models import Session

    owner = world["owner"]
    session = first_session(world["mine"])
    local_day = session.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    added = owner.post("/api/v1/academy/holidays/", {"date": local_day.isoformat(), "name": "Founding day"},
                       content_type=JSON)
    assert added.status_code == 201, added.content
    assert in_alpha(lambda: Session.objects.get(pk=session.pk).status) == "cancelled"
    error(owner.post("/api/v1/academy/holidays/", {"date": local_day.isoformat(), "name": "Again"},
                     content_type=JSON), 400, "validation_error")
    assert ids(world["teacher_a"].get("/api/v1/academy/holidays/")) == [added.json()["id"]]
    error(world["clerk"].delete(f"/api/v1/academy/holidays/{added.json()['id']}/"), 403, "permission_denied")
    assert owner.delete(f"/api/v1/academy/holidays/{added.json()['id']}/").status_code == 204
    assert ids(owner.get("/api/v1/academy/holidays/")) == []


# --- Students ---------------------------------------------------------------------------


def test_students_are_made_listed_and_changed_within_scope(world):
    clerk = world["clerk"]
    with schema_context("alpha"):
        from apps.crm.models import Customer

        walk_in = Customer.objects.create(name="Choi Minsu", branch=world["north"])
        elsewhere = Customer.objects.create(name="Far Away", branch=world["south"])
    made = clerk.post("/api/v1/academy/students/", {"customer": walk_in.pk, "school": "Daechi Middle",
                                                    "grade": "2"}, content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["school"] == "Daechi Middle"
    refused = clerk.post("/api/v1/academy/students/", {"customer": elsewhere.pk}, content_type=JSON)
    assert error(refused, 400, "validation_error")["details"]["customer"]
    assert sorted(ids(clerk.get("/api/v1/academy/students/"))) == sorted([world["jihoon"].pk, walk_in.pk])
    changed = clerk.patch(f"/api/v1/academy/students/{walk_in.pk}/", {"grade": "3"}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["grade"] == "3"
    error(clerk.patch(f"/api/v1/academy/students/{world['sora'].pk}/", {"grade": "3"}, content_type=JSON), 404,
          "not_found")
    jihoon = world["owner"].get(f"/api/v1/academy/students/{world['jihoon'].pk}/").json()
    assert jihoon["guardians"][0]["email"] == MOTHER


def test_a_teacher_sees_only_their_own_classes_sessions_and_students(world):
    teacher = world["teacher_a"]
    assert sorted(ids(teacher.get("/api/v1/academy/classes/"))) == sorted([world["mine"].pk, world["evening"].pk])
    klasses = {row["klass"] for row in teacher.get("/api/v1/academy/sessions/").json()["results"]}
    assert klasses <= {world["mine"].pk, world["evening"].pk} and klasses
    assert ids(teacher.get("/api/v1/academy/students/")) == [world["jihoon"].pk]
    error(teacher.get(f"/api/v1/academy/classes/{world['theirs'].pk}/"), 404, "not_found")
    error(teacher.get(f"/api/v1/academy/students/{world['sora'].pk}/"), 404, "not_found")
    enrolments = teacher.get("/api/v1/academy/enrolments/").json()["results"]
    assert [row["student"] for row in enrolments] == [world["jihoon"].pk]


# --- Enrolments -------------------------------------------------------------------------


def test_enrolment_past_capacity_the_waitlist_a_withdrawal_and_the_offer(world):
    from apps.academy.models import Enrolment

    owner, mine = world["owner"], world["mine"]
    with schema_context("alpha"):
        newcomer = make_student("Lee Dami", branch=world["north"])
    before = in_alpha(Enrolment.objects.count)
    full = owner.post("/api/v1/academy/enrolments/", {"klass": mine.pk, "student": newcomer.pk, "waitlist": False},
                      content_type=JSON)
    assert error(full, 409, "academy_class_full")["details"] == {"class": mine.pk, "capacity": 1, "taken": 1}
    assert in_alpha(Enrolment.objects.count) == before
    error(owner.post("/api/v1/academy/enrolments/", {"klass": mine.pk, "student": world["jihoon"].pk},
                     content_type=JSON), 409, "academy_already_enrolled")
    waiting = owner.post("/api/v1/academy/enrolments/", {"klass": mine.pk, "student": newcomer.pk},
                         content_type=JSON)
    assert waiting.status_code == 201, waiting.content
    assert waiting.json()["status"] == "waitlisted" and waiting.json()["waitlist_position"] == 1
    listed = owner.get("/api/v1/academy/enrolments/", {"klass": mine.pk, "status": "waitlisted"})
    assert ids(listed) == [waiting.json()["id"]]
    # accepting before an offer is an illegal move
    error(owner.post(f"/api/v1/academy/enrolments/{waiting.json()['id']}/accept-offer/", {}, content_type=JSON),
          409, "academy_enrolment_illegal_transition")
    jihoon = ids(owner.get("/api/v1/academy/enrolments/", {"student": world["jihoon"].pk}))[0]
    withdrawn = owner.post(f"/api/v1/academy/enrolments/{jihoon}/withdraw/", {"reason": "Moving away"},
                           content_type=JSON)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    offered = owner.get(f"/api/v1/academy/enrolments/{waiting.json()['id']}/").json()
    assert offered["status"] == "offered" and offered["offer_expires_at"]
    accepted = owner.post(f"/api/v1/academy/enrolments/{waiting.json()['id']}/accept-offer/", {},
                          content_type=JSON)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "pending_payment" and accepted.json()["order"]
    # a teacher may only look
    error(world["teacher_a"].post(f"/api/v1/academy/enrolments/{jihoon}/withdraw/", {}, content_type=JSON), 403,
          "permission_denied")


def test_a_clerk_enrols_only_in_the_classes_of_their_branches(world):
    with schema_context("alpha"):
        newcomer = make_student("Lee Dami", branch=world["north"])
    clerk = world["clerk"]
    refused = clerk.post("/api/v1/academy/enrolments/", {"klass": world["theirs"].pk, "student": newcomer.pk},
                         content_type=JSON)
    assert error(refused, 400, "validation_error")["details"]["klass"]
    made = clerk.post("/api/v1/academy/enrolments/", {"klass": world["evening"].pk, "student": newcomer.pk},
                      content_type=JSON)
    assert made.status_code == 201 and made.json()["status"] == "pending_payment" and made.json()["order"]


# --- Attendance -------------------------------------------------------------------------


def test_a_teacher_takes_attendance_for_their_own_session_only(world):
    from apps.academy.models import Attendance

    teacher = world["teacher_a"]
    session = first_session(world["mine"])
    roster = teacher.get(f"/api/v1/academy/sessions/{session.pk}/attendance/")
    assert roster.status_code == 200, roster.content
    assert [(row["student"], row["status"]) for row in roster.json()] == [(world["jihoon"].pk, None)]
    marked = teacher.post(f"/api/v1/academy/sessions/{session.pk}/attendance/",
                          {"records": [{"student": world["jihoon"].pk, "status": "late", "note": "Bus"}]},
                          content_type=JSON)
    assert marked.status_code == 200, marked.content
    assert marked.json()[0]["status"] == "late" and marked.json()[0]["status_label"] == "Late"
    # a student of another class: refused, nothing written
    other = teacher.post(f"/api/v1/academy/sessions/{session.pk}/attendance/",
                         {"records": [{"student": world["jihoon"].pk, "status": "present"},
                                      {"student": world["sora"].pk, "status": "present"}]}, content_type=JSON)
    assert error(other, 422, "academy_not_enrolled")["details"]["student"] == world["sora"].pk
    assert in_alpha(lambda: list(Attendance.objects.values_list("status", flat=True))) == ["late"]
    error(teacher.post(f"/api/v1/academy/sessions/{session.pk}/attendance/",
                       {"records": [{"student": world["jihoon"].pk, "status": "asleep"}]}, content_type=JSON),
          400, "validation_error")
    # another teacher's session is absent for them
    theirs = first_session(world["theirs"])
    error(teacher.get(f"/api/v1/academy/sessions/{theirs.pk}/attendance/"), 404, "not_found")
    error(teacher.post(f"/api/v1/academy/sessions/{theirs.pk}/attendance/",
                       {"records": [{"student": world["sora"].pk, "status": "absent"}]}, content_type=JSON),
          404, "not_found")
    assert in_alpha(Attendance.objects.count) == 1


def test_kiosk_check_in_at_the_front_desk(world):
    from apps.academy.models import Session

    session = first_session(world["mine"])
    now = timezone.now()
    with schema_context("alpha"):  # the session meets now
        Session.objects.filter(pk=session.pk).update(starts_at=now - dt.timedelta(minutes=2),
                                                     ends_at=now + dt.timedelta(minutes=88))
        later = Session.objects.filter(klass=world["mine"], starts_at__gt=now + dt.timedelta(hours=12)).first()
    clerk = world["clerk"]
    error(clerk.post("/api/v1/academy/check-in/", {"code": "ZZZZZZ", "student": world["jihoon"].pk},
                     content_type=JSON), 404, "academy_check_in_code_invalid")
    error(clerk.post("/api/v1/academy/check-in/", {"code": later.check_in_code, "student": world["jihoon"].pk},
                     content_type=JSON), 404, "academy_check_in_code_invalid")
    error(clerk.post("/api/v1/academy/check-in/", {"code": session.check_in_code, "student": world["sora"].pk},
                     content_type=JSON), 422, "academy_not_enrolled")
    checked = clerk.post("/api/v1/academy/check-in/", {"code": session.check_in_code.lower(),
                                                       "student": world["jihoon"].pk}, content_type=JSON)
    assert checked.status_code == 200, checked.content
    assert checked.json()["status"] == "present" and checked.json()["source"] == "kiosk"
    assert checked.json()["session"] == session.pk


# --- Consumers ----------------------------------------------------------------------------


def register(email: str, name: str, *, verified: bool):
    from allauth.account.models import EmailAddress

    from apps.consumers.services import consumer_register

    consumer_register(tenant=tenant("alpha"), email=email, password=PASSWORD, name=name,
                      consents={"terms": True, "privacy": True, "marketing": False})
    connection.set_schema_to_public()
    if verified:
        user = User.objects.get(email=email)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True})
    return api("alpha", email)


def test_a_guardian_sees_only_their_own_children_and_enrols_one(world):
    from apps.academy.models import Attendance

    unverified = register("other-parent@academy.test", "Other Parent", verified=False)
    assert [row["name"] for row in unverified.get("/api/v1/my/children/").json()] == ["Other Parent"]
    mother = register(MOTHER, "Kim Mother", verified=True)
    children = mother.get("/api/v1/my/children/")
    assert children.status_code == 200, children.content
    assert sorted(row["name"] for row in children.json()) == ["Kim Jihoon", "Kim Mother"]
    # their child's attendance, nobody else's
    session, theirs = first_session(world["mine"]), first_session(world["theirs"])
    from apps.academy.services import attendance_take

    with schema_context("alpha"):
        attendance_take(session=session, records=[{"student": world["jihoon"].pk, "status": "absent"}], actor=None)
        attendance_take(session=theirs, records=[{"student": world["sora"].pk, "status": "present"}], actor=None)
    rows = mother.get("/api/v1/my/attendance/").json()["results"]
    assert [(row["student"], row["status"]) for row in rows] == [(world["jihoon"].pk, "absent")]
    assert unverified.get("/api/v1/my/attendance/").json()["results"] == []
    # enrol the child: the enrolment with its order, paid through /orders/{id}/pay/
    made = mother.post("/api/v1/my/enrolments/", {"klass": world["evening"].pk, "student": world["jihoon"].pk},
                       content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "pending_payment" and made.json()["order"]
    with schema_context("alpha"):
        from apps.orders.models import Order

        assert Order.objects.get(pk=made.json()["order"]).customer_id == world["jihoon"].pk
    assert [row["id"] for row in mother.get("/api/v1/my/enrolments/").json()["results"]][0] == made.json()["id"]
    # someone else's child: refused, nothing made
    refused = mother.post("/api/v1/my/enrolments/", {"klass": world["evening"].pk, "student": world["sora"].pk},
                          content_type=JSON)
    assert error(refused, 400, "validation_error")["details"]["student"]
    full = mother.post("/api/v1/my/enrolments/", {"klass": world["mine"].pk, "student": world["jihoon"].pk},
                       content_type=JSON)
    error(full, 409, "academy_already_enrolled")
    assert in_alpha(lambda: Attendance.objects.count()) == 2


def test_consumers_get_nothing_of_the_staff_endpoints(world):
    consumer = register(MOTHER, "Kim Mother", verified=True)
    session = first_session(world["mine"])
    for path in ("/api/v1/academy/classes/", "/api/v1/academy/sessions/", "/api/v1/academy/students/",
                 "/api/v1/academy/enrolments/", "/api/v1/academy/holidays/",
                 f"/api/v1/academy/sessions/{session.pk}/attendance/"):
        error(consumer.get(path), 403, "permission_denied")
    error(consumer.post("/api/v1/academy/check-in/", {"code": session.check_in_code,
                                                      "student": world["jihoon"].pk}, content_type=JSON),
          403, "permission_denied")
    # and staff who are not customers here are not consumers
    assert world["teacher_a"].get("/api/v1/my/children/").status_code == 403
