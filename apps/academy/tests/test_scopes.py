"""Who sees which classes, sessions and students: the whole workspace, the user's
branches, or (the `own` scope) a teacher's own classes, the sessions they teach or
substitute, and the students enrolled in them; per-object grants add to each."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from apps.academy.models import Session, StudentProfile
from apps.academy.selectors import classes_visible_to, sessions_visible_to, students_visible_to
from apps.academy.services import enrolment_create, session_substitute_set
from apps.authz.access import Access, Grant

from .conftest import make_branch, make_class, make_student, make_teacher

PERMS = ("academy.view_class", "academy.view_session", "academy.view_studentprofile")


def access(user, **grant):
    return Access(user=user, grants={perm: Grant(**grant) for perm in PERMS})


@pytest.fixture
def world(db, owner_alpha, teacher):
    other_teacher = make_teacher("other-teacher@academy.test")
    with schema_context("alpha"):
        north, south = make_branch("North"), make_branch("South")
        mine = make_class(teacher=teacher, branch=north, actor=owner_alpha, name="Mine")
        theirs = make_class(teacher=other_teacher, branch=south, actor=owner_alpha, name="Theirs",
                            start_time=dt.time(10, 0))  # its teacher is free to substitute Mine at 16:00
        students = {name: make_student(name) for name in ("In mine", "Waiting for mine", "In theirs", "Nobody's")}
        enrolment_create(student=students["In mine"], klass=mine, actor=owner_alpha)
        enrolment_create(student=students["In theirs"], klass=theirs, actor=owner_alpha)
        from apps.academy.services import class_update

        class_update(klass=mine, actor=owner_alpha, capacity=1)
        enrolment_create(student=students["Waiting for mine"], klass=mine, actor=owner_alpha)
        StudentProfile.objects.create(customer=students["Nobody's"])
        yield {"teacher": teacher, "other": other_teacher, "north": north, "south": south, "mine": mine,
               "theirs": theirs, "students": students, "owner": owner_alpha}


def names(queryset):
    return sorted(str(row) for row in queryset)


def test_the_own_scope_is_a_teacher_s_classes_sessions_and_students(world):
    mine = access(world["teacher"], own=True)
    assert names(classes_visible_to(user=world["teacher"], access=mine)) == ["Mine"]
    assert {s.klass.name for s in sessions_visible_to(user=world["teacher"], access=mine)} == {"Mine"}
    assert names(students_visible_to(user=world["teacher"], access=mine)) == ["In mine", "Waiting for mine"]


def test_a_substituted_session_is_the_substitute_s_own_too(world):
    session = Session.objects.filter(klass=world["mine"]).order_by("starts_at").first()
    session_substitute_set(session=session, teacher=world["other"], actor=world["owner"])
    theirs = access(world["other"], own=True)
    assert names(classes_visible_to(user=world["other"], access=theirs)) == ["Mine", "Theirs"]
    seen = sessions_visible_to(user=world["other"], access=theirs)
    assert [s.pk for s in seen if s.klass_id == world["mine"].pk] == [session.pk]


def test_branch_scope_workspace_scope_and_nothing(world):
    south = access(world["teacher"], branch_ids={world["south"].pk})
    assert names(classes_visible_to(user=world["teacher"], access=south)) == ["Theirs"]
    assert {s.klass.name for s in sessions_visible_to(user=world["teacher"], access=south)} == {"Theirs"}
    assert names(students_visible_to(user=world["teacher"], access=south)) == ["In theirs"]
    everything = access(world["teacher"], everywhere=True)
    assert names(classes_visible_to(user=world["teacher"], access=everything)) == ["Mine", "Theirs"]
    assert len(students_visible_to(user=world["teacher"], access=everything)) == 4
    nothing = Access(user=world["teacher"])
    assert not classes_visible_to(user=world["teacher"], access=nothing).exists()
    assert not students_visible_to(user=world["teacher"], access=nothing).exists()


def test_per_object_grants_add_to_the_scope(world):
    from apps.rbac.services import object_grant

    nobody = StudentProfile.objects.get(customer=world["students"]["Nobody's"])
    object_grant(user=world["teacher"], perm="academy.view_studentprofile", obj=nobody, actor=world["owner"])
    mine = access(world["teacher"], own=True)
    assert names(students_visible_to(user=world["teacher"], access=mine)) == [
        "In mine", "Nobody's", "Waiting for mine"]


def test_through_the_roles_that_exist(world):
    """A role granting the academy's views with the own scope, held by the teacher."""
    from apps.rbac.models import Role
    from apps.rbac.services import role_assign, role_create

    role = role_create(key="class-teacher", name="Class teacher", actor=None,
                       grants={"class:view": "own", "session:view": "own", "student:view": "own"})
    role_assign(user=world["teacher"], role=role)
    assert names(classes_visible_to(user=world["teacher"])) == ["Mine"]
    assert names(students_visible_to(user=world["teacher"])) == ["In mine", "Waiting for mine"]
    assert names(classes_visible_to(user=world["owner"])) == ["Mine", "Theirs"]  # the owner role: everything
    # the academy template's teacher role: their own classes only
    assert Role.objects.filter(key="teacher").exists()
    assert names(classes_visible_to(user=world["other"])) == ["Theirs"]
