"""The academy's tenant-admin screens over HTTP as the logged-in owner (Django's test
Client on the tenant host): the week's timetable of a branch of 5 classes against one of
50 (Mon, Wed, Fri: 15 vs 150 sessions), the same filtered by the teacher of each (one
teacher per branch, a stress case: the bulk set-up skips class_create's double-booking
check), and the roster of a session with 5 students against one with 30 (half marked). The
other classes have 10 students each; the large branch has a session taught by a
substitute and a cancelled one. Queries per page (after a warm-up request) and median
render time of REPEAT interleaved requests, small and large side by side with the
ratios. The query count must not depend on the size.

    .venv/bin/python tests/perf/academy_screens.py
"""

import datetime as dt
import json
import os

from _setup import median_ms, perf_database, timed

SMALL, LARGE, STUDENTS = 5, 50, 10
ROSTER_SMALL, ROSTER_LARGE = 5, 30
REPEAT = int(os.environ.get("REPEAT", "30"))
SLUG = "perfscreens"  # the schema name too (make_staff enters the schema by slug)

with perf_database():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from tests.admin_pages import tenant_admin_client
    from tests.plugin import PASSWORD, create_provisioned
    from tests.workspace import make_staff

    owner_email = f"owner@{SLUG}.test"
    tenant = create_provisioned(slug=SLUG, name="Perf Academy Screens", business_type="academy",
                                owner_email=owner_email)
    owner = User.objects.get(email=owner_email)
    owner.set_password(PASSWORD)
    owner.save()
    small_teacher, large_teacher, substitute = (make_staff(SLUG, f"{name}@{SLUG}.test", ["teacher"])
                                                for name in ("small", "large", "substitute"))
    with schema_context(tenant.schema_name):
        from apps.academy.models import Attendance, Class, Enrolment, Session
        from apps.academy.services import attendance_take, session_cancel, session_substitute_set, sessions_generate
        from apps.branches.models import Branch
        from apps.catalog.models import Item
        from apps.crm.models import Customer

        today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=9))).date()
        monday = today + dt.timedelta(days=7 - today.weekday())
        course = Item.objects.create(kind="course", name="Math", price=200000, vat_rate=0)

        def branch_of(name: str, classes: int, teacher, roster: int) -> tuple[Branch, Session]:
            """`classes` classes of `teacher` with a week of sessions; the first with
            `roster` students, the others with STUDENTS; half of the first's roster marked."""
            branch = Branch.objects.create(name=name, timezone="Asia/Seoul")
            # set-up only: rows straight in (class_create and enrolment_create go one at a time)
            made = Class.objects.bulk_create([
                Class(course=course, name=f"{name} {n}", teacher=teacher, branch=branch, room=f"R{n}", capacity=40,
                      weekdays=[0, 2, 4], start_time=dt.time(14 + n % 6, 30 * (n % 2)), duration_minutes=50,
                      starts_on=monday) for n in range(classes)])
            students = Customer.objects.bulk_create([
                Customer(name=f"{name} student {n}") for n in range(roster + STUDENTS * (classes - 1))])
            seats = [made[0]] * roster + [klass for klass in made[1:] for _ in range(STUDENTS)]
            Enrolment.objects.bulk_create([
                Enrolment(klass=klass, student=student, status=Enrolment.Status.ACTIVE if n % 4 else
                          Enrolment.Status.PENDING_PAYMENT, activated_at=timezone.now() if n % 4 else None)
                for n, (klass, student) in enumerate(zip(seats, students, strict=True))])
            return branch, made[0]

        small_branch, small_class = branch_of("Small campus", SMALL, small_teacher, ROSTER_SMALL)
        large_branch, large_class = branch_of("Large campus", LARGE, large_teacher, ROSTER_LARGE)
        sessions_generate(horizon_days=7, today=monday)
        rosters = {}
        for size, klass in (("small", small_class), ("large", large_class)):
            session = Session.objects.filter(klass=klass).order_by("starts_at").first()
            enrolled = list(Enrolment.objects.filter(klass=klass).order_by("pk"))
            attendance_take(session=session, actor=owner, records=[
                {"enrolment": enrolment.pk, "status": status}
                for enrolment, status in zip(enrolled[: len(enrolled) // 2],
                                             [Attendance.Status.PRESENT, Attendance.Status.LATE,
                                              Attendance.Status.ABSENT, Attendance.Status.EXCUSED] * 10, strict=False)])
            rosters[size] = session.pk
        later = (Session.objects.filter(klass__branch=large_branch).exclude(pk=rosters["large"])
                 .order_by("starts_at", "pk"))
        session_substitute_set(session=later[3], teacher=substitute, actor=owner)
        session_cancel(session=later[4], reason="Teacher ill", actor=owner)
    connection.set_schema_to_public()

    week = monday.isoformat()
    pages = {
        "timetable_branch": {"small": f"/admin/academy/session/?week={week}&branch={small_branch.pk}",
                             "large": f"/admin/academy/session/?week={week}&branch={large_branch.pk}"},
        "timetable_teacher": {"small": f"/admin/academy/session/?week={week}&teacher={small_teacher.pk}",
                              "large": f"/admin/academy/session/?week={week}&teacher={large_teacher.pk}"},
        "roster": {"small": f"/admin/academy/session/{rosters['small']}/roster/",
                   "large": f"/admin/academy/session/{rosters['large']}/roster/"},
    }
    client = tenant_admin_client(owner_email, slug=SLUG)

    def rows(response) -> int:
        """Sessions on the timetable, students on the roster (as drawn)."""
        html = response.content.decode()
        return html.count('data-session="') or html.count('data-student="')

    results = {}
    for page, urls in pages.items():
        entry = {}
        for size, url in urls.items():
            assert client.get(url).status_code == 200  # warm the per-process caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            entry[size] = {"rows": rows(response), "queries": len(queries), "samples": []}
        for _ in range(REPEAT):  # interleaved, so that both see the same conditions
            for size, url in urls.items():
                entry[size]["samples"] += timed(lambda url=url: client.get(url), 1)
        for size in urls:
            entry[size]["median_ms"] = median_ms(entry[size].pop("samples"))
        entry["ratio_ms"] = round(entry["large"]["median_ms"] / entry["small"]["median_ms"], 2)
        entry["ratio_rows"] = round(entry["large"]["rows"] / entry["small"]["rows"], 1)
        results[page] = entry

    print(json.dumps({"classes": [SMALL, LARGE], "students_per_class": STUDENTS,
                      "roster": [ROSTER_SMALL, ROSTER_LARGE], "repeat": REPEAT, **results}, indent=2))
    print(f"\n{'page':<20}{'rows':>10}{'queries':>10}{'median ms':>18}{'x rows':>8}{'x ms':>7}")
    for page, entry in results.items():
        small, large = entry["small"], entry["large"]
        print(f"{page:<20}{small['rows']:>4} / {large['rows']:<3}{small['queries']:>4} / {large['queries']:<3}"
              f"{small['median_ms']:>8} / {large['median_ms']:<7}{entry['ratio_rows']:>8}{entry['ratio_ms']:>7}")
    assert all(entry["small"]["queries"] == entry["large"]["queries"] for entry in results.values()), results
