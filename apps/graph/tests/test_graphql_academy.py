"""The academy in GraphQL: a teacher sees only their own classes (as in REST), classes ->
sessions -> attendance at a query count that does not grow with the classes, taking
attendance and enrolling through the same functions as the REST endpoints, refusals with
the academy's codes; courses, enrolments, passes, tuition and a guardian's `my` as the same
rows as the REST lists (filters and ordering too) at a query count that does not grow with
them; another workspace's ids unknown to the mutations, as in REST."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academy.tests.conftest import make_branch, make_class, make_course, make_student, make_teacher
from tests.workspace import api

from .test_graphql import data, error_codes, gql

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


# --- Lists as REST gives them: courses, classes' filters, enrolments, passes, tuition, `my` ----------------

ENROLMENTS = """query($classId: Int, $student: Int, $status: String) {
  enrolments(first: 100, classId: $classId, student: $student, status: $status) {
    nodes { id status statusLabel orderId class { id name } student { id name } } } }"""
PASSES = """query($student: Int, $status: String) { passes(first: 100, student: $student, status: $status) {
  nodes { id name status statusLabel sessionsLeft expired orderId student { id name } price { value formatted }
    refundedAmount { value } } } }"""
TUITION = """query($student: Int, $status: String, $overdue: Boolean) {
  tuition(first: 100, student: $student, status: $status, overdue: $overdue) {
    nodes { id className status statusLabel overdue orderId student { id name } total { value formatted } } } }"""
TUITION_PAGE = """query($after: String) { tuition(first: 1, after: $after) {
  edges { node { id } } pageInfo { hasNextPage endCursor } } }"""
COURSES = """query($search: String, $orderBy: CourseOrdering, $active: Boolean) {
  courses(first: 100, search: $search, orderBy: $orderBy, active: $active) {
    nodes { id name isActive price { value formatted } subject level billing billingLabel } } }"""
FILTERED_CLASSES = """query($branch: Int, $course: Int, $teacher: Int, $isActive: Boolean) {
  classes(first: 100, branch: $branch, course: $course, teacher: $teacher, isActive: $isActive) {
    nodes { id name room teacherId isActive course { name subject billing } } } }"""
MY = """{ my { children { id name school grade }
  enrolments { nodes { id status statusLabel orderId class { id name } student { id name } } }
  passes { nodes { id name status sessionsLeft price { value } } }
  tuition { nodes { id className status total { value } } }
  attendance { nodes { id status statusLabel className startsAt student { id name } } } } }"""


def rest_rows(client, path: str, params: dict | None = None) -> list[dict]:
    response = client.get(path, {"page_size": 100, **(params or {})})
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def nodes(response, field: str) -> list[dict]:
    return data(response)[field]["nodes"]


def enrolment_rows_rest(rows):
    return [(row["id"], row["status"], row["status_label"], row["order"], row["klass"], row["class_name"],
             row["student"], row["student_name"]) for row in rows]


def enrolment_rows_graph(rows):
    return [(row["id"], row["status"], row["statusLabel"], row["orderId"], row["class"]["id"], row["class"]["name"],
             row["student"]["id"], row["student"]["name"]) for row in rows]


def pass_rows_rest(rows):
    return [(row["id"], row["name"], row["status"], row["status_label"], row["sessions_left"], row["expired"],
             row["order"], row["student"], row["student_name"], row["price"], row["refunded_amount"]) for row in rows]


def pass_rows_graph(rows):
    return [(row["id"], row["name"], row["status"], row["statusLabel"], row["sessionsLeft"], row["expired"],
             row["orderId"], row["student"]["id"], row["student"]["name"], row["price"]["value"],
             row["refundedAmount"]["value"]) for row in rows]


def tuition_rows_rest(rows):
    return [(row["id"], row["class_name"], row["status"], row["status_label"], row["overdue"], row["order"],
             row["student"], row["total"]) for row in rows]


def tuition_rows_graph(rows):
    return [(row["id"], row["className"], row["status"], row["statusLabel"], row["overdue"], row["orderId"],
             row["student"]["id"], row["total"]["value"]) for row in rows]


def sell_pass(plan, student):
    from apps.academy.services.passes import pass_buy

    with schema_context("alpha"):
        made = pass_buy(plan=plan, student=student, actor=None)
    connection.set_schema_to_public()
    return made


@pytest.fixture
def billing(world):
    """`world` with a 10-session pass on sale (90,000) sold to Jihoon and Sora (pending payment);
    each enrolment came with its first month's tuition invoice."""
    from apps.academy.services.passes import pass_plan_set
    from apps.catalog.models import Item

    with schema_context("alpha"):
        item = Item.objects.create(kind=Item.Kind.SERVICE, name="10-session pass G", price=90000, vat_rate=0)
        plan = pass_plan_set(item=item, kind="count", sessions=10, valid_days=60, course=None, actor=None)
    connection.set_schema_to_public()
    passes = {"jihoon_pass": sell_pass(plan, world["jihoon"]), "sora_pass": sell_pass(plan, world["sora"])}
    return {**world, **passes, "plan": plan}


def test_enrolments_passes_and_tuition_are_the_rest_rows_for_an_owner_and_a_teacher(billing):
    for who in ("owner", "teacher_a"):
        client = billing[who]
        rest = enrolment_rows_rest(rest_rows(client, "/api/v1/academy/enrolments/"))
        assert enrolment_rows_graph(nodes(gql(client, ENROLMENTS), "enrolments")) == rest and rest, who
        rest = pass_rows_rest(rest_rows(client, "/api/v1/academy/passes/"))
        graph = nodes(gql(client, PASSES), "passes")
        assert pass_rows_graph(graph) == rest and rest, who
        assert graph[0]["price"]["formatted"].startswith("₩")
    # a teacher: their own class's enrolments and students' passes only, as in REST
    teacher = billing["teacher_a"]
    assert {row["student"]["id"] for row in nodes(gql(teacher, ENROLMENTS), "enrolments")} == {billing["jihoon"].pk}
    assert [row["id"] for row in nodes(gql(teacher, PASSES), "passes")] == [billing["jihoon_pass"].pk]
    # tuition: the owner's rows as REST's; a teacher is refused on both
    owner = billing["owner"]
    rest = tuition_rows_rest(rest_rows(owner, "/api/v1/academy/tuition/"))
    assert tuition_rows_graph(nodes(gql(owner, TUITION), "tuition")) == rest and len(rest) >= 2
    assert teacher.get("/api/v1/academy/tuition/").json()["error"]["code"] == "permission_denied"
    assert error_codes(gql(teacher, TUITION)) == ["permission_denied"]


def test_filters_give_what_the_rest_filters_give(billing):
    from apps.academy.models import TuitionInvoice
    from apps.academy.services.students import course_details_set

    owner, jihoon, sora = billing["owner"], billing["jihoon"].pk, billing["sora"].pk
    for graph_args, rest_args in [({"classId": billing["mine"].pk}, {"klass": billing["mine"].pk}),
                                  ({"student": sora}, {"student": sora}),
                                  ({"status": "pending_payment"}, {"status": "pending_payment"}),
                                  ({"status": "withdrawn"}, {"status": "withdrawn"})]:
        rest = enrolment_rows_rest(rest_rows(owner, "/api/v1/academy/enrolments/", rest_args))
        assert enrolment_rows_graph(nodes(gql(owner, ENROLMENTS, graph_args), "enrolments")) == rest, graph_args
    refused = owner.get("/api/v1/academy/enrolments/", {"status": "asleep"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "validation_error"
    assert error_codes(gql(owner, ENROLMENTS, {"status": "asleep"})) == ["validation_error"]
    # passes and tuition
    for args in ({"student": jihoon}, {"status": "pending_payment"}, {"status": "active"}):
        rest = pass_rows_rest(rest_rows(owner, "/api/v1/academy/passes/", args))
        assert pass_rows_graph(nodes(gql(owner, PASSES, args), "passes")) == rest, args
    with schema_context("alpha"):  # Sora's invoice is a week past its due date
        TuitionInvoice.objects.filter(student_id=sora).update(due_on=timezone.localdate() - dt.timedelta(days=7))
    connection.set_schema_to_public()
    for graph_args, rest_args in [({"student": sora}, {"student": sora}), ({"status": "open"}, {"status": "open"}),
                                  ({"overdue": True}, {"overdue": "true"}), ({"overdue": False}, {"overdue": "false"})]:
        rest = tuition_rows_rest(rest_rows(owner, "/api/v1/academy/tuition/", rest_args))
        assert tuition_rows_graph(nodes(gql(owner, TUITION, graph_args), "tuition")) == rest, graph_args
    overdue = nodes(gql(owner, TUITION, {"overdue": True}), "tuition")
    assert {row["student"]["id"] for row in overdue} == {sora} and all(row["overdue"] for row in overdue)
    # the earliest due first on both (Sora's now), also one row a page
    rest = tuition_rows_rest(rest_rows(owner, "/api/v1/academy/tuition/"))
    assert tuition_rows_graph(nodes(gql(owner, TUITION), "tuition")) == rest and rest[0][6] == sora
    walked, after = [], None
    for _ in range(len(rest)):
        page = data(gql(owner, TUITION_PAGE, {"after": after}))["tuition"]
        walked += [edge["node"]["id"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
    assert walked == [row[0] for row in rest] and not page["pageInfo"]["hasNextPage"]
    # classes: the REST class list's filters
    with schema_context("alpha"):
        closed = make_class(teacher=billing["mine"].teacher, branch=billing["north"], course=billing["course"],
                            actor=billing["owner_user"], name="Closed G", weekdays=ALL_DAYS,
                            starts_on=billing["today"], start_time=dt.time(20, 0), room="Z")
        type(closed).objects.filter(pk=closed.pk).update(is_active=False)
        course_details_set(item=billing["course"], actor=None, subject="Math", level="Middle", billing="monthly")
    connection.set_schema_to_public()
    for graph_args, rest_args in [({"teacher": billing["mine"].teacher_id}, {"teacher": billing["mine"].teacher_id}),
                                  ({"branch": billing["north"].pk}, {"branch": billing["north"].pk}),
                                  ({"isActive": False}, {"is_active": "false"}),
                                  ({"course": billing["course"].pk, "isActive": True},
                                   {"course": billing["course"].pk, "is_active": "true"})]:
        rest = [(row["id"], row["name"], row["is_active"]) for row in rest_rows(owner, "/api/v1/academy/classes/",
                                                                                rest_args)]
        graph = nodes(gql(owner, FILTERED_CLASSES, graph_args), "classes")
        assert [(row["id"], row["name"], row["isActive"]) for row in graph] == rest and rest, graph_args
    assert graph[0]["course"] == {"name": "Graph Math", "subject": "Math", "billing": "monthly"}
    assert error_codes(gql(owner, FILTERED_CLASSES, {"branch": 0})) == [
        owner.get("/api/v1/academy/classes/", {"branch": 0}).json()["error"]["code"]]
    # courses: the catalog's course list (kind=course) with its filters and ordering
    with schema_context("alpha"):
        make_course("Algebra G", price=180000)
        make_course("Zoology G", price=250000, is_active=False)
    connection.set_schema_to_public()
    path = "/api/v1/catalog/manage/items/"
    for graph_args, rest_args in [({}, {}), ({"orderBy": "NAME_DESC"}, {"ordering": "-name"}),
                                  ({"orderBy": "NAME"}, {"ordering": "name"}), ({"search": "G"}, {"search": "G"}),
                                  ({"active": False}, {"active": "false"})]:
        rest = [(row["id"], row["name"], row["price"]) for row in rest_rows(owner, path, {"kind": "course",
                                                                                          **rest_args})]
        graph = nodes(gql(owner, COURSES, graph_args), "courses")
        assert [(row["id"], row["name"], row["price"]["value"]) for row in graph] == rest and rest, graph_args
    math = next(row for row in nodes(gql(owner, COURSES), "courses") if row["name"] == "Graph Math")
    assert (math["subject"], math["level"], math["billingLabel"]) == ("Math", "Middle", "Per month")


def test_every_list_costs_the_same_queries_for_two_rows_or_many(billing):
    from apps.academy.services import enrolment_create

    owner = billing["owner"]
    lists = "".join(query.split("{", 1)[1].rsplit("}", 1)[0] for query in (ENROLMENTS, PASSES, TUITION, COURSES,
                                                                           FILTERED_CLASSES))
    everything = "query($student: Int, $status: String, $classId: Int, $overdue: Boolean, $search: String, " \
                 "$orderBy: CourseOrdering, $active: Boolean, $branch: Int, $course: Int, $teacher: Int, " \
                 "$isActive: Boolean) {" + lists + "}"

    def count():
        with CaptureQueriesContext(connection) as queries:
            body = data(gql(owner, everything))
        return len(queries), body

    count()  # the caches warm
    few, body = count()
    assert len(body["enrolments"]["nodes"]) == 2 and len(body["passes"]["nodes"]) == 2
    with schema_context("alpha"):
        for n in range(4):
            student = make_student(f"More Student {n}", branch=billing["north"])
            enrolment_create(student=student, klass=billing["mine"], actor=billing["owner_user"])
            make_course(f"More course {n}")
    connection.set_schema_to_public()
    for n in range(4):
        sell_pass(billing["plan"], billing["jihoon"] if n % 2 else billing["sora"])
    many, body = count()
    assert len(body["enrolments"]["nodes"]) == 6 and len(body["passes"]["nodes"]) == 6
    assert len(body["tuition"]["nodes"]) >= 6
    assert many == few, (few, many)


def test_a_guardian_sees_what_the_my_endpoints_show(billing):
    from apps.academy.services import attendance_take, enrolment_create
    from apps.academy.tests.test_api import MOTHER, register

    with schema_context("alpha"):
        haneul = make_student("Kim Haneul G", guardian_email=MOTHER, branch=billing["north"])
        enrolment_create(student=haneul, klass=billing["mine"], actor=billing["owner_user"])
    connection.set_schema_to_public()
    sell_pass(billing["plan"], haneul)
    with schema_context("alpha"):
        attendance_take(session=billing["session"], records=[{"student": haneul.pk, "status": "late"},
                                                             {"student": billing["jihoon"].pk, "status": "present"}],
                        actor=None)
    connection.set_schema_to_public()
    mother = register(MOTHER, "Kim Mother G", verified=True)

    def count():
        with CaptureQueriesContext(connection) as queries:
            body = data(gql(mother, MY))["my"]
        return len(queries), body

    count()
    few, my = count()
    assert [(row["id"], row["name"]) for row in my["children"]] == [
        (row["id"], row["name"]) for row in rest_rows(mother, "/api/v1/my/children/")]
    assert {row["name"] for row in my["children"]} == {"Kim Haneul G", "Kim Mother G"}
    assert enrolment_rows_graph(my["enrolments"]["nodes"]) == enrolment_rows_rest(
        rest_rows(mother, "/api/v1/my/enrolments/"))
    assert [(row["id"], row["name"], row["status"], row["sessionsLeft"], row["price"]["value"])
            for row in my["passes"]["nodes"]] == [(row["id"], row["name"], row["status"], row["sessions_left"],
                                                   row["price"]) for row in rest_rows(mother, "/api/v1/my/passes/")]
    assert [(row["id"], row["className"], row["status"], row["total"]["value"]) for row in my["tuition"]["nodes"]] == [
        (row["id"], row["class_name"], row["status"], row["total"]) for row in rest_rows(mother, "/api/v1/my/tuition/")]
    rest = rest_rows(mother, "/api/v1/my/attendance/")
    assert [(row["id"], row["status"], row["statusLabel"], row["className"], row["student"]["id"])
            for row in my["attendance"]["nodes"]] == [(row["id"], row["status"], row["status_label"],
                                                       row["class_name"], row["student"]) for row in rest]
    assert [row["student"]["name"] for row in my["attendance"]["nodes"]] == ["Kim Haneul G"]
    assert {row["student"]["id"] for row in my["enrolments"]["nodes"]} == {haneul.pk}
    # a second child: the same queries
    with schema_context("alpha"):
        dami = make_student("Kim Dami G", guardian_email=MOTHER, branch=billing["north"])
        enrolment_create(student=dami, klass=billing["theirs"], actor=billing["owner_user"])
        attendance_take(session=billing["theirs"].sessions.order_by("starts_at").first(),
                        records=[{"student": dami.pk, "status": "present"}], actor=None)
    connection.set_schema_to_public()
    sell_pass(billing["plan"], dami)
    many, my = count()
    assert len(my["enrolments"]["nodes"]) == 2 and len(my["passes"]["nodes"]) == 2
    assert len(my["attendance"]["nodes"]) == 2 and many == few, (few, many)
    # staff who are not customers here are not consumers, on both APIs
    teacher = billing["teacher_a"]
    assert teacher.get("/api/v1/my/passes/").json()["error"]["code"] == "not_a_consumer"
    assert error_codes(gql(teacher, MY)) == ["not_a_consumer"]
    # and a consumer gets nothing of the staff lists
    for query in (ENROLMENTS, PASSES, TUITION):
        assert error_codes(gql(mother, query)) == ["permission_denied"]


# --- Another workspace's ids ------------------------------------------------------------


def _beta_academy(owner_beta, above: int) -> dict:
    """A class with its sessions and an enrolled student in beta, with ids above `above` (so
    none is also an id of alpha's: the probes ask for rows alpha does not have)."""
    from apps.academy.services import enrolment_create

    with schema_context("beta"):
        with connection.cursor() as cursor:
            for table in ("academy_class", "academy_session", "crm_customer"):
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, above])
        branch = make_branch("Beta campus G")
        klass = make_class(teacher=owner_beta, branch=branch, course=make_course("Beta Math G"), actor=owner_beta,
                           name="Beta class G", weekdays=ALL_DAYS, starts_on=timezone.localdate(),
                           start_time=dt.time(9, 0))
        student = make_student("Beta Student G", branch=branch)
        enrolment_create(student=student, klass=klass, actor=owner_beta)
        session = klass.sessions.order_by("starts_at").first()
    connection.set_schema_to_public()
    return {"class": klass, "student": student, "session": session}


def _state(schema: str) -> tuple:
    from apps.academy.models import Attendance, Enrolment, Pass, Session
    from apps.orders.models import Order

    with schema_context(schema):
        state = (sorted(Attendance.objects.values_list("session_id", "student_id", "status")),
                 sorted(Enrolment.objects.values_list("klass_id", "student_id", "status")),
                 Order.objects.count(), Pass.objects.count(),
                 sorted(Session.objects.values_list("pk", "status")))
    connection.set_schema_to_public()
    return state


def test_another_workspaces_ids_are_unknown_to_the_mutations_and_change_nothing(world, owner_beta):
    from apps.academy.models import Class, Session
    from apps.audit.models import AuditEvent
    from apps.crm.models import Customer

    with schema_context("alpha"):
        above = max(model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                    for model in (Class, Session, Customer)) + 10_000
    beta = _beta_academy(owner_beta, above)
    owner, jihoon = world["owner"], world["jihoon"].pk
    before = _state("alpha"), _state("beta"), AuditEvent.objects.count()
    for student in (jihoon, beta["student"].pk):
        records = [{"student": student, "status": "present"}]
        marked = data(gql(owner, MARK, {"session": beta["session"].pk, "records": records}))["recordAttendance"]
        rest = owner.post(f"/api/v1/academy/sessions/{beta['session'].pk}/attendance/", {"records": records},
                          content_type="application/json")
        assert rest.status_code == 404 and marked["__typename"] == "OperationError"
        assert marked["code"] == rest.json()["error"]["code"] == "not_found"
    for klass, student, field in ((beta["class"].pk, jihoon, "klass"), (world["mine"].pk, beta["student"].pk,
                                                                        "student"),
                                  (beta["class"].pk, beta["student"].pk, "klass")):
        made = data(gql(owner, ENROL, {"klass": klass, "student": student}))["enrol"]
        rest = owner.post("/api/v1/academy/enrolments/", {"klass": klass, "student": student},
                          content_type="application/json")
        assert rest.status_code == 400 and made["__typename"] == "OperationError"
        assert made["code"] == rest.json()["error"]["code"] == "validation_error"
        assert list(made["details"]) == list(rest.json()["error"]["details"]) == [field]
    assert (_state("alpha"), _state("beta"), AuditEvent.objects.count()) == before
