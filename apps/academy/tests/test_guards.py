"""Guards around the timetable and the front desk: a teacher never teaches two classes or
sessions at once (at any branch, compared as instants across time zones; a class, a
moved session or a substitute that would double-book them is refused, naming the other
class and its time, and nothing changes; writers for one teacher take turns); a kiosk
limited to some branches checks students in to those branches' sessions only (another
branch's code reads as a wrong code); staff enrol only students and classes they reach
(others read as unknown ids)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academy.errors import CheckInCodeInvalid, TeacherDoubleBooked
from apps.academy.models import Attendance, Class, Enrolment, Session
from apps.academy.services import (
    attendance_check_in,
    class_update,
    enrolment_create,
    session_move,
    session_substitute_set,
)
from apps.accounts.models import User
from tests.plugin import TENANTS, race
from tests.workspace import api, make_staff

from .conftest import audit_actions, make_branch, make_class, make_course, make_student, make_teacher

JSON = "application/json"
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


@pytest.fixture
def other_teacher(db):
    """A second teacher of alpha (the connection stays where it was)."""
    tenant = connection.tenant
    user = make_teacher("other-teacher@academy.test")
    user.full_name = "Park Other"
    user.save(update_fields=["full_name"])
    connection.set_tenant(tenant)
    return user


def later_sessions(klass, *, weekday: int | None = None) -> list[Session]:
    """The class's scheduled sessions from tomorrow on (on `weekday` in Seoul, when given)."""
    rows = Session.objects.filter(klass=klass, status=Session.Status.SCHEDULED,
                                  starts_at__gt=timezone.now() + dt.timedelta(days=1)).order_by("starts_at")
    seoul = dt.timezone(dt.timedelta(hours=9))
    return [row for row in rows if weekday is None or row.starts_at.astimezone(seoul).weekday() == weekday]


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code, response.content
    return response.json()["error"]


# --- Classes ----------------------------------------------------------------------------


def test_a_teacher_s_second_class_at_the_same_time_is_refused_in_any_room_or_branch(alpha, teacher, branch):
    first = make_class(teacher=teacher, branch=branch, actor=alpha, name="Math A", weekdays=[0, 2],
                       start_time=dt.time(16, 0), duration_minutes=90)
    sessions = Session.objects.count()
    second_campus = make_branch("Second campus")
    for where, room in ((branch, "202"), (second_campus, "201"), (branch, "")):
        with pytest.raises(TeacherDoubleBooked) as refused:
            make_class(teacher=teacher, branch=where, actor=alpha, name="English B", weekdays=[2, 4],
                       start_time=dt.time(17, 0), duration_minutes=60, room=room)
        assert refused.value.code == "academy_teacher_double_booked" and refused.value.status == 409
        assert refused.value.details == {"teacher": teacher.pk, "class": first.pk, "name": "Math A"}
        message = str(refused.value.message)
        assert "Lee Teacher" in message and "“Math A”" in message and "16:00" in message and "Mon, Wed" in message
    assert list(Class.objects.values_list("name", flat=True)) == ["Math A"]
    assert Session.objects.count() == sessions and audit_actions() == ["academy.class_created"]


def test_what_does_not_double_book_a_teacher(alpha, teacher, other_teacher, branch):
    first = make_class(teacher=teacher, branch=branch, actor=alpha, name="Math A", weekdays=[0, 2],
                       start_time=dt.time(16, 0), duration_minutes=90, ends_on=dt.date(2026, 3, 31))
    make_class(teacher=teacher, branch=branch, actor=alpha, name="Right after", weekdays=[0],
               start_time=dt.time(17, 30), room="202")  # 17:30 is when Math A ends
    make_class(teacher=teacher, branch=branch, actor=alpha, name="After it ended", room="203",
               starts_on=dt.date(2026, 4, 1))
    make_class(teacher=other_teacher, branch=branch, actor=alpha, name="Someone else's", room="204")
    # an inactive class keeps nobody busy; it cannot come back while it would clash
    class_update(klass=first, actor=alpha, is_active=False)
    make_class(teacher=teacher, branch=branch, actor=alpha, name="Instead", room="205",
               starts_on=dt.date(2026, 3, 9), ends_on=dt.date(2026, 3, 20))
    with pytest.raises(TeacherDoubleBooked) as refused:
        class_update(klass=first, actor=alpha, is_active=True)
    assert refused.value.details["name"] == "Instead"
    assert Class.objects.get(pk=first.pk).is_active is False
    assert Class.objects.count() == 5


def test_classes_of_a_teacher_at_branches_in_other_time_zones_are_compared_as_instants(alpha, teacher, branch):
    # Seoul 16:00-17:30 on Mondays is 07:00-08:30 UTC: 07:00 in London until the clocks go forward (29 March)
    make_class(teacher=teacher, branch=branch, actor=alpha, name="Seoul math", weekdays=[0], room="S1",
               start_time=dt.time(16, 0), duration_minutes=90)
    london = make_branch("London", tz="Europe/London")
    with pytest.raises(TeacherDoubleBooked):
        make_class(teacher=teacher, branch=london, actor=alpha, name="Breakfast club", weekdays=[0], room="L1",
                   start_time=dt.time(7, 30), duration_minutes=60, ends_on=dt.date(2026, 3, 20))
    # 08:30-09:00 London is free in winter but meets Seoul's 07:30-08:00 UTC once summer time starts
    winter = {"weekdays": [0], "start_time": dt.time(8, 30), "duration_minutes": 30, "room": "L2"}
    make_class(teacher=teacher, branch=london, actor=alpha, name="Winter only", ends_on=dt.date(2026, 3, 20),
               **winter)
    with pytest.raises(TeacherDoubleBooked) as refused:
        make_class(teacher=teacher, branch=london, actor=alpha, name="From spring", starts_on=dt.date(2026, 3, 23),
                   **{**winter, "room": "L3"})
    assert refused.value.details["name"] == "Seoul math"
    # 16:00 in London is 01:00 on Tuesday in Seoul: the same wall time, no clash
    make_class(teacher=teacher, branch=london, actor=alpha, name="Evening club", weekdays=[0], room="L4",
               start_time=dt.time(16, 0), duration_minutes=90)
    assert sorted(Class.objects.values_list("name", flat=True)) == ["Evening club", "Seoul math", "Winter only"]


def test_a_class_given_to_a_busy_teacher_or_moved_onto_their_other_class_is_refused(alpha, teacher, other_teacher,
                                                                                      branch):
    math = make_class(teacher=teacher, branch=branch, actor=alpha, name="Math A", weekdays=[0, 2],
                      start_time=dt.time(16, 0))
    science = make_class(teacher=teacher, branch=branch, actor=alpha, name="Science", weekdays=[1], room="202",
                         start_time=dt.time(16, 0))
    art = make_class(teacher=other_teacher, branch=branch, actor=alpha, name="Art", weekdays=[0], room="203",
                     start_time=dt.time(17, 0))
    audits = audit_actions()
    with pytest.raises(TeacherDoubleBooked) as refused:
        class_update(klass=math, actor=alpha, teacher=other_teacher)
    assert refused.value.details == {"teacher": other_teacher.pk, "class": art.pk, "name": "Art"}
    assert "Park Other" in str(refused.value.message)
    with pytest.raises(TeacherDoubleBooked) as refused:
        class_update(klass=science, actor=alpha, weekdays=[1, 2])
    assert refused.value.details["name"] == "Math A"
    assert Class.objects.get(pk=math.pk).teacher_id == teacher.pk
    assert Class.objects.get(pk=science.pk).weekdays == [1]
    assert audit_actions() == audits
    # the same changes without the clash go through
    assert class_update(klass=science, actor=alpha, weekdays=[1, 3]) == {"weekdays": [[1], [1, 3]]}
    assert class_update(klass=math, actor=alpha, teacher=other_teacher, start_time=dt.time(9, 0)) == {
        "teacher": [teacher.pk, other_teacher.pk], "start_time": ["16:00:00", "09:00:00"]}


def test_two_classes_for_one_teacher_at_two_branches_at_once_one_is_refused(committed):
    """Two branches lock two different rows: only the teacher's own lock keeps the two
    writers from both seeing a free teacher."""
    from apps.academy.services import class_create
    from apps.branches.models import Branch
    from apps.catalog.models import Item
    from apps.rbac.models import RoleAssignment
    from apps.staff.models import StaffProfile

    owner = User.objects.get(email=TENANTS["alpha"]["owner_email"])
    teacher = make_staff("alpha", committed.email("busy-teacher@academy.test"), ["teacher"])
    with schema_context("alpha"):
        branches = [Branch.objects.create(name=f"Racing campus {n}") for n in range(2)]
        course = Item.objects.create(kind="course", name="Racing Science", price=0, vat_rate=0)
    connection.set_schema_to_public()
    try:
        results = race(2, lambda index: class_create(
            course=course, teacher=teacher, branch=branches[index], capacity=5, weekdays=[0], room="R",
            start_time=dt.time(16), duration_minutes=60, starts_on=dt.date(2027, 1, 4), name=f"Race {index}",
            actor=owner))
        assert sorted(type(result).__name__ for result in results) == ["Class", "TeacherDoubleBooked"], results
        with schema_context("alpha"):
            assert Class.objects.filter(teacher_id=teacher.pk).count() == 1
    finally:
        with schema_context("alpha"):
            Class.objects.filter(branch__in=branches).delete()
            course.delete()
            Branch.objects.filter(pk__in=[branch.pk for branch in branches]).delete()
            StaffProfile.objects.filter(user_id=teacher.pk).delete()
            RoleAssignment.objects.filter(user_id=teacher.pk).delete()
        connection.set_schema_to_public()


# --- Sessions ---------------------------------------------------------------------------


@pytest.fixture
def week(alpha, teacher, other_teacher, branch):
    """Math (Mon, Wed) and Science (Tue, Thu) of `teacher`, Art (Mon, Wed) of the other
    teacher, all at 16:00 for 90 minutes in rooms of their own."""
    classes = {name: make_class(teacher=who, branch=branch, actor=alpha, name=name, weekdays=days, room=room)
               for name, who, days, room in (("Math", teacher, [0, 2], "201"), ("Science", teacher, [1, 3], "202"),
                                             ("Art", other_teacher, [0, 2], "203"))}
    return {**classes, "owner": alpha, "teacher": teacher, "other": other_teacher}


def test_a_session_moved_onto_another_the_teacher_teaches_is_refused(week):
    math, science = later_sessions(week["Math"], weekday=0)[0], later_sessions(week["Science"], weekday=1)[0]
    audits = audit_actions()
    with pytest.raises(TeacherDoubleBooked) as refused:
        session_move(session=math, starts_at=science.starts_at + dt.timedelta(minutes=30), actor=week["owner"])
    assert refused.value.details == {"teacher": week["teacher"].pk, "session": science.pk,
                                     "class": week["Science"].pk, "name": "Science",
                                     "starts_at": science.starts_at.isoformat()}
    local = science.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert f"“Science” (Main campus) on {local:%Y-%m-%d} at 16:00" in str(refused.value.message)
    assert Session.objects.get(pk=math.pk).starts_at == math.starts_at
    assert audit_actions() == audits
    # once someone substitutes Science then, its teacher is free and the session moves
    session_substitute_set(session=science, teacher=week["other"], actor=week["owner"])
    moved = session_move(session=math, starts_at=science.starts_at, actor=week["owner"])
    assert moved.starts_at == science.starts_at
    # the substitute is busy then: their own Art session cannot move there
    art = later_sessions(week["Art"])[0]
    with pytest.raises(TeacherDoubleBooked) as refused:
        session_move(session=art, starts_at=science.starts_at + dt.timedelta(minutes=60), actor=week["owner"])
    assert refused.value.details["session"] == science.pk and refused.value.details["teacher"] == week["other"].pk


def test_a_substitute_must_be_free_at_the_session_s_time(week):
    math = later_sessions(week["Math"], weekday=0)[0]
    audits = audit_actions()
    with pytest.raises(TeacherDoubleBooked) as refused:  # Art meets then
        session_substitute_set(session=math, teacher=week["other"], actor=week["owner"])
    art = Session.objects.get(klass=week["Art"], starts_at=math.starts_at)
    assert refused.value.details["session"] == art.pk and refused.value.details["name"] == "Art"
    assert Session.objects.get(pk=math.pk).substitute_teacher_id is None and audit_actions() == audits
    # on Tuesdays the other teacher is free
    science = later_sessions(week["Science"], weekday=1)[0]
    substituted = session_substitute_set(session=science, teacher=week["other"], actor=week["owner"])
    assert substituted.substitute_teacher_id == week["other"].pk
    # giving it back to its class's teacher, who now teaches a session moved there: refused too
    session_move(session=math, starts_at=science.starts_at, actor=week["owner"])
    with pytest.raises(TeacherDoubleBooked) as refused:
        session_substitute_set(session=science, teacher=None, actor=week["owner"])
    assert refused.value.details["session"] == math.pk
    assert Session.objects.get(pk=science.pk).substitute_teacher_id == week["other"].pk
    # a cancelled session takes no one's time
    from apps.academy.services import session_cancel

    session_cancel(session=math, reason="Closed", actor=week["owner"])
    assert session_substitute_set(session=science, teacher=None, actor=week["owner"]).substitute_teacher_id is None


# --- Over HTTP: the refusal's shape, the kiosk and the desk's enrolments ------------------


@pytest.fixture
def desk(db, owner_alpha):
    """North ("North math" at 09:00 and "North evening" at 18:00 every day, Minji in North
    math) and South ("South math" at 09:00, Sora in it), one teacher each; a clerk of North
    (the front desk's kiosk). The first session of each math class meets now."""
    north_teacher = make_teacher("north-teacher@academy.test")
    south_teacher = make_teacher("south-teacher@academy.test")
    today = timezone.localdate()
    with schema_context("alpha"):
        north, south = make_branch("North"), make_branch("South")
        course = make_course()
        common = {"actor": owner_alpha, "course": course, "weekdays": ALL_DAYS, "starts_on": today}
        classes = {"north": make_class(teacher=north_teacher, branch=north, name="North math",
                                       start_time=dt.time(9), **common),
                   "evening": make_class(teacher=north_teacher, branch=north, name="North evening",
                                         start_time=dt.time(18), room="202", **common),
                   "south": make_class(teacher=south_teacher, branch=south, name="South math",
                                       start_time=dt.time(9), **common)}
        minji, sora = make_student("Kim Minji", branch=north), make_student("Park Sora", branch=south)
        enrolment_create(student=minji, klass=classes["north"], actor=owner_alpha)
        enrolment_create(student=sora, klass=classes["south"], actor=owner_alpha)
        now, sessions = timezone.now(), {}
        for key in ("north", "south"):
            session = Session.objects.filter(klass=classes[key]).order_by("starts_at").first()
            Session.objects.filter(pk=session.pk).update(starts_at=now - dt.timedelta(minutes=2),
                                                         ends_at=now + dt.timedelta(minutes=88))
            sessions[key] = Session.objects.get(pk=session.pk)
    clerk = make_staff("alpha", "clerk@academy.test", ["clerk"], [north])
    connection.set_schema_to_public()
    return {"owner": api("alpha", "owner@alpha.test"), "clerk": api("alpha", clerk.email), "north": north,
            "south": south, "course": course, "classes": classes, "sessions": sessions, "minji": minji,
            "sora": sora, "north_teacher": north_teacher, "south_teacher": south_teacher}


def desk_count(model) -> int:
    with schema_context("alpha"):
        return model.objects.count()


def test_the_api_refuses_double_booking_in_the_error_shape(desk):
    owner, north_math = desk["owner"], desk["classes"]["north"]
    body = {"course": desk["course"].pk, "teacher": desk["north_teacher"].pk, "branch": desk["south"].pk,
            "room": "S9", "capacity": 5, "weekdays": [2], "start_time": "09:30", "duration_minutes": 60,
            "starts_on": timezone.localdate().isoformat()}
    before = desk_count(Class)
    refused = error(owner.post("/api/v1/academy/classes/", body, content_type=JSON), 409,
                    "academy_teacher_double_booked")
    assert refused["details"] == {"teacher": desk["north_teacher"].pk, "class": north_math.pk, "name": "North math"}
    assert "“North math”" in refused["message"] and desk_count(Class) == before
    with schema_context("alpha"):
        session = later_sessions(north_math)[0]
    refused = error(owner.post(f"/api/v1/academy/sessions/{session.pk}/substitute/",
                               {"teacher": desk["south_teacher"].pk}, content_type=JSON), 409,
                    "academy_teacher_double_booked")
    assert refused["details"]["name"] == "South math" and "“South math” (South)" in refused["message"]
    with schema_context("alpha"):
        assert Session.objects.get(pk=session.pk).substitute_teacher_id is None
    evening = session.starts_at + dt.timedelta(hours=9)  # North evening meets then
    refused = error(owner.post(f"/api/v1/academy/sessions/{session.pk}/move/", {"starts_at": evening.isoformat()},
                               content_type=JSON), 409, "academy_teacher_double_booked")
    assert refused["details"]["class"] == desk["classes"]["evening"].pk


def test_a_kiosk_checks_in_only_to_sessions_of_its_branches(desk):
    clerk, south = desk["clerk"], desk["sessions"]["south"]
    unknown = error(clerk.post("/api/v1/academy/check-in/", {"code": "ZZZZZZ", "student": desk["sora"].pk},
                               content_type=JSON), 404, "academy_check_in_code_invalid")
    elsewhere = error(clerk.post("/api/v1/academy/check-in/", {"code": south.check_in_code,
                                                               "student": desk["sora"].pk}, content_type=JSON),
                      404, "academy_check_in_code_invalid")
    assert elsewhere == {**unknown, "details": {"code": south.check_in_code}}  # nothing more than a wrong code
    assert desk_count(Attendance) == 0
    # the code is live: someone who reaches South checks Sora in with it
    checked = desk["owner"].post("/api/v1/academy/check-in/", {"code": south.check_in_code,
                                                              "student": desk["sora"].pk}, content_type=JSON)
    assert checked.status_code == 200 and checked.json()["session"] == south.pk, checked.content
    # and the clerk checks in at North
    north = desk["sessions"]["north"]
    checked = clerk.post("/api/v1/academy/check-in/", {"code": north.check_in_code, "student": desk["minji"].pk},
                         content_type=JSON)
    assert checked.status_code == 200 and checked.json()["session"] == north.pk, checked.content
    assert desk_count(Attendance) == 2


def test_the_check_in_service_keeps_to_the_sessions_it_is_given(desk):
    with schema_context("alpha"):
        south = desk["sessions"]["south"]
        with pytest.raises(CheckInCodeInvalid):
            attendance_check_in(code=south.check_in_code, student=desk["sora"],
                                sessions=Session.objects.filter(klass__branch=desk["north"]))
        assert not Attendance.objects.exists()
        row = attendance_check_in(code=south.check_in_code, student=desk["sora"],
                                  sessions=Session.objects.filter(klass__branch=desk["south"]))
        assert row.session_id == south.pk


def test_the_desk_enrols_only_students_and_classes_it_reaches(desk):
    clerk, classes = desk["clerk"], desk["classes"]
    before = desk_count(Enrolment)
    unknown = error(clerk.post("/api/v1/academy/enrolments/", {"klass": classes["evening"].pk, "student": 987654},
                               content_type=JSON), 400, "validation_error")
    # Sora belongs to South and is enrolled there only: to North's desk she does not exist
    hidden = error(clerk.post("/api/v1/academy/enrolments/", {"klass": classes["evening"].pk,
                                                              "student": desk["sora"].pk}, content_type=JSON),
                   400, "validation_error")
    assert hidden == unknown and hidden["details"] == {"student": ["No customer with this id."]}
    # nor does South's class, for a student of North
    refused = error(clerk.post("/api/v1/academy/enrolments/", {"klass": classes["south"].pk,
                                                               "student": desk["minji"].pk}, content_type=JSON),
                    400, "validation_error")
    assert list(refused["details"]) == ["klass"]
    assert desk_count(Enrolment) == before
    # a customer of North who is no student yet is enrolled (and becomes one)
    with schema_context("alpha"):
        newcomer = make_student("Lee Dami", branch=desk["north"])
    made = clerk.post("/api/v1/academy/enrolments/", {"klass": classes["evening"].pk, "student": newcomer.pk},
                      content_type=JSON)
    assert made.status_code == 201, made.content
    # once Sora is enrolled in a North class, North's desk reaches her
    with schema_context("alpha"):
        enrolment_create(student=desk["sora"], klass=classes["north"], actor=None)
    made = clerk.post("/api/v1/academy/enrolments/", {"klass": classes["evening"].pk, "student": desk["sora"].pk},
                      content_type=JSON)
    assert made.status_code == 201, made.content
    # the owner reaches everyone
    made = desk["owner"].post("/api/v1/academy/enrolments/", {"klass": classes["south"].pk,
                                                             "student": desk["minji"].pk}, content_type=JSON)
    assert made.status_code == 201, made.content
