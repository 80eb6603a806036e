"""The academy in GraphQL: a teacher sees only their own classes (as in REST), classes ->
sessions -> attendance at a query count that does not grow with the classes, taking
attendance and enrolling through the same functions as the REST endpoints, refusals with
the academy's codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academy.tests.conftest import make_branch, make_class, make_course, make_student, make_teacher
from tests.workspace import api

from .test_graphql import data, gql

ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]
CLASSES = """query($from: Date) { classes(first: 20) { edges { node { id name course { name } branch { name }
  sessions(from: $from) { id startsAt statusLabel attendance { studentName status statusLabel } } } } } }"""
MARK = """mutation($session: Int!, $records: [AttendanceMarkInput!]!) {
  recordAttendance(session: $session, records: $records) {
    __typename
    ... on ClassSession { id attendance { studentName status } }
    ... on OperationError { code message details } } }"""
ENROL = """mutation($klass: Int!, $student: Int!) { enrol(classId: $klass, student: $student) {
  __typename ... on Enrolled { status statusLabel classId } ... on OperationError { code details } } }"""


@pytest.fixture
def world(db, owner_alpha):
    from apps.academy.services import enrolment_create

    teacher_a, teacher_b = make_teacher("graph-a@academy.test"), make_teacher("graph-b@academy.test")
    today = timezone.localdate()
    with schema_context("alpha"):
        north, south = make_branch("North G"), make_branch("South G")
        course = make_course("Graph Math")
        mine = make_class(teacher=teacher_a, branch=north, course=course, actor=owner_alpha, name="Mine G",
                          weekdays=ALL_DAYS, starts_on=today, start_time=dt.time(9, 0))
        theirs = make_class(teacher=teacher_b, branch=south, course=course, actor=owner_alpha, name="Theirs G",
                            weekdays=ALL_DAYS, starts_on=today, start_time=dt.time(9, 0))
        jihoon, sora = make_student("Kim Jihoon G", branch=north), make_student("Park Sora G", branch=south)
        enrolment_create(student=jihoon, klass=mine, actor=owner_alpha)
        enrolment_create(student=sora, klass=theirs, actor=owner_alpha)
        first_session = mine.sessions.order_by("starts_at").first()
    connection.set_schema_to_public()
    return {"owner": api("alpha", "owner@alpha.test"), "teacher_a": api("alpha", "graph-a@academy.test"),
            "mine": mine, "theirs": theirs, "jihoon": jihoon, "sora": sora, "session": first_session,
            "course": course, "north": north, "owner_user": owner_alpha, "today": today}


def test_a_teacher_sees_their_classes_as_in_rest(world):
    for who in ("owner", "teacher_a"):
        client = world[who]
        rest = {row["id"] for row in client.get("/api/v1/academy/classes/").json()["results"]}
        graph = {edge["node"]["id"] for edge in data(gql(client, CLASSES))["classes"]["edges"]}
        assert graph == rest, who
    assert world["theirs"].pk not in {edge["node"]["id"] for edge in data(gql(world["teacher_a"], CLASSES))[
        "classes"]["edges"]}


def test_attendance_is_taken_and_read_back_without_n_plus_one(world):
    owner, session = world["owner"], world["session"]
    assert session is not None
    marked = data(gql(owner, MARK, {"session": session.pk, "records": [
        {"student": world["jihoon"].pk, "status": "late", "note": "Bus"}]}))["recordAttendance"]
    assert marked["__typename"] == "ClassSession"
    assert marked["attendance"] == [{"studentName": "Kim Jihoon G", "status": "late"}]
    not_enrolled = data(gql(owner, MARK, {"session": session.pk, "records": [
        {"student": world["sora"].pk, "status": "present"}]}))["recordAttendance"]
    assert not_enrolled["__typename"] == "OperationError" and not_enrolled["code"] == "academy_not_enrolled"
    bad = data(gql(owner, MARK, {"session": session.pk, "records": [
        {"student": world["jihoon"].pk, "status": "asleep"}]}))["recordAttendance"]
    assert bad["code"] == "validation_error"
    other = data(gql(world["teacher_a"], MARK, {"session": world["theirs"].sessions.first().pk, "records": [
        {"student": world["sora"].pk, "status": "present"}]}))["recordAttendance"]
    assert other["code"] == "not_found"  # another teacher's session reads as unknown, as in REST

    def count():
        with CaptureQueriesContext(connection) as queries:
            body = data(gql(owner, CLASSES, {"from": world["today"].isoformat()}))
        return len(queries), body

    few, body = count()
    mine = next(edge["node"] for edge in body["classes"]["edges"] if edge["node"]["id"] == world["mine"].pk)
    assert mine["sessions"][0]["attendance"] == [{"studentName": "Kim Jihoon G", "status": "late",
                                                  "statusLabel": "Late"}]
    assert len(mine["sessions"]) >= 7  # every day for four weeks (as far as they are generated)
    with schema_context("alpha"):
        for n in range(3):
            make_class(teacher=world["mine"].teacher, branch=world["north"], course=world["course"],
                       actor=world["owner_user"], name=f"More {n}", weekdays=ALL_DAYS, starts_on=world["today"],
                       start_time=dt.time(11 + 2 * n, 0), room=f"G{n}")
    connection.set_schema_to_public()
    many, body = count()
    assert len(body["classes"]["edges"]) >= 5 and many == few, (few, many)


def test_enrolling_through_graphql(world):
    owner = world["owner"]
    with schema_context("alpha"):
        minji = make_student("Choi Minji G", branch=world["north"])
    connection.set_schema_to_public()
    made = data(gql(owner, ENROL, {"klass": world["mine"].pk, "student": minji.pk}))["enrol"]
    assert made == {"__typename": "Enrolled", "status": "pending_payment", "statusLabel": "Pending payment",
                    "classId": world["mine"].pk}
    again = data(gql(owner, ENROL, {"klass": world["mine"].pk, "student": minji.pk}))["enrol"]
    assert again["code"] == "academy_already_enrolled"
    unknown = data(gql(owner, ENROL, {"klass": 999999, "student": minji.pk}))["enrol"]
    assert unknown["code"] == "validation_error" and "klass" in unknown["details"]
