"""The versioned cache (apps.core.cache) on the real Redis: bumps land on commit and
never on rollback, a steady-state read is one MGET, and only plain values are cached."""

import uuid

import pytest
import redis
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction

from apps.core.cache import (
    bump,
    group,
    pending_scopes,
    request_versions,
    scope,
    version_key,
    versioned_get_or_build,
    versions,
)


@pytest.fixture
def real_transactions(django_db_blocker):
    """Transactions that really commit or roll back (outside the test's own transaction).
    Nothing here writes rows: only on-commit callbacks are exercised."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def redis_commands(monkeypatch):
    """Every command sent to Redis, in order (a pass-through: the real server answers)."""
    sent = []
    execute = redis.Redis.execute_command

    def counting(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return sent


def unique_scope() -> str:
    return scope("test", uuid.uuid4().hex)


class Builder:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_bump_sets_a_new_version_on_commit_only(real_transactions):
    name = unique_scope()
    before = versions(name)[name]
    with transaction.atomic():
        bump(name)
        assert name in pending_scopes()
        assert versions(name)[name] == before  # other connections keep the committed value
    after = versions(name)[name]
    assert after != before and not pending_scopes()

    with pytest.raises(RuntimeError), transaction.atomic():
        bump(name)
        raise RuntimeError("rolled back")
    assert versions(name)[name] == after


def test_bump_in_a_rolled_back_savepoint_is_dropped(real_transactions):
    kept, dropped = unique_scope(), unique_scope()
    before = versions(kept, dropped)
    with transaction.atomic():
        bump(kept)
        try:
            with transaction.atomic():
                bump(dropped)
                raise RuntimeError("savepoint rolled back")
        except RuntimeError:
            pass
        assert pending_scopes() >= {kept} and dropped not in pending_scopes()
    after = versions(kept, dropped)
    assert after[kept] != before[kept] and after[dropped] == before[dropped]


def test_value_is_built_once_and_rebuilt_after_a_committed_bump(real_transactions):
    name, value = unique_scope(), {"status": "active", "ids": [1, 2]}
    build = Builder(value)
    assert versioned_get_or_build(f"test:{name}", [name], build, 60) == value
    assert versioned_get_or_build(f"test:{name}", [name], build, 60) == value
    assert build.calls == 1
    with transaction.atomic():
        bump(name)
    versioned_get_or_build(f"test:{name}", [name], build, 60)
    assert build.calls == 2


def test_reads_in_the_bumping_transaction_see_the_change_and_store_nothing(real_transactions):
    name = unique_scope()
    assert versioned_get_or_build(f"test:{name}", [name], Builder("old"), 60) == "old"
    with transaction.atomic():
        bump(name)
        # this transaction changed the data: it reads it from the database, uncached
        assert versioned_get_or_build(f"test:{name}", [name], Builder("new"), 60) == "new"
        assert cache.get(f"test:{name}")[1] == "old"  # nothing uncommitted was shared
    assert versioned_get_or_build(f"test:{name}", [name], Builder("new"), 60) == "new"


def test_a_steady_state_read_is_one_mget(db, redis_commands):
    first, second = unique_scope(), unique_scope()
    build = Builder({"id": 7})
    versioned_get_or_build(f"test:{first}", [first, second], build, 60)
    redis_commands.clear()
    assert versioned_get_or_build(f"test:{first}", [first, second], build, 60) == {"id": 7}
    assert redis_commands == ["MGET"] and build.calls == 1


def test_dependencies_known_once_built_are_read_in_the_same_mget(real_transactions, redis_commands):
    from apps.core import cache as versioned

    host, tenant = unique_scope(), unique_scope()
    build = Builder({"tenant": tenant})
    read = lambda: versioned_get_or_build(f"test:{host}", [host], build, 60,  # noqa: E731
                                          depends_on=lambda value: [value["tenant"]])
    read()  # built, the dependency's version read, built again under it and stored
    assert build.calls == 2
    redis_commands.clear()
    read()
    assert redis_commands == ["MGET"] and build.calls == 2
    with transaction.atomic():
        bump(tenant)
    read()
    assert build.calls == 3
    versioned._HINTS.clear()  # a new process: one more round trip, no build
    redis_commands.clear()
    read()
    assert redis_commands == ["MGET", "MGET"] and build.calls == 3


def test_a_lost_version_invalidates_what_was_cached_under_it(db):
    name = unique_scope()
    build = Builder([1])
    versioned_get_or_build(f"test:{name}", [name], build, 60)
    cache.delete(version_key(name))  # evicted, or cleared by hand
    versioned_get_or_build(f"test:{name}", [name], build, 60)
    assert build.calls == 2


def test_local_values_cost_only_the_version_read(real_transactions, redis_commands):
    name = unique_scope()
    build = Builder({"flags": {"a": True}})
    versioned_get_or_build(f"test:{name}", [name], build, 60, local=True)
    redis_commands.clear()
    versioned_get_or_build(f"test:{name}", [name], build, 60, local=True)
    assert redis_commands == ["MGET"] and build.calls == 1
    with transaction.atomic():
        bump(name)
    versioned_get_or_build(f"test:{name}", [name], build, 60, local=True)
    assert build.calls == 2


def test_model_instances_are_refused(db):
    name = unique_scope()
    with pytest.raises(TypeError, match="plain values"):
        versioned_get_or_build(f"test:{name}", [name], lambda: {"group": Group(name="x")}, 60)
    assert cache.get(f"test:{name}") is None


def test_an_entry_written_by_older_code_is_rebuilt(db):
    name = unique_scope()
    cache.set(f"test:{name}", {"plan": 3}, 60)  # what the cache held before a deploy
    assert versioned_get_or_build(f"test:{name}", [name], Builder({"plan": 4}), 60) == {"plan": 4}
    assert versioned_get_or_build(f"test:{name}", [name], Builder({"plan": 5}), 60) == {"plan": 4}


def test_a_request_reads_each_version_once(db, redis_commands):
    name = unique_scope()
    build = Builder({"limit": 10})
    versioned_get_or_build(f"test:{name}", [name], build, 60, local=True)  # kept in this process
    versioned_get_or_build(f"test:other:{name}", [name], Builder("routing"), 60)
    with request_versions():
        redis_commands.clear()
        versioned_get_or_build(f"test:other:{name}", [name], Builder("routing"), 60)
        assert redis_commands == ["MGET"]  # the entry and the scope's version
        assert versioned_get_or_build(f"test:{name}", [name], build, 60, local=True) == {"limit": 10}
        assert redis_commands == ["MGET"] and build.calls == 1  # its version was read already
    redis_commands.clear()
    versioned_get_or_build(f"test:{name}", [name], build, 60, local=True)
    assert redis_commands == ["MGET"]  # outside a request every read asks Redis


def test_a_bump_the_request_commits_is_seen_by_the_request(real_transactions):
    name = unique_scope()
    build = Builder("old")
    with request_versions():
        assert versioned_get_or_build(f"test:{name}", [name], build, 60, local=True) == "old"
        with transaction.atomic():
            bump(name)
        build.value = "new"
        assert versioned_get_or_build(f"test:{name}", [name], build, 60, local=True) == "new"
        assert versions(name)[name] == cache.get(version_key(name))


def test_a_change_committed_elsewhere_reaches_the_next_request(db):
    name = unique_scope()
    build = Builder("old")
    with request_versions():
        versioned_get_or_build(f"test:{name}", [name], build, 60, local=True)
        cache.set(version_key(name), "another-process-bumped-it", None)  # what bump() does elsewhere
        build.value = "new"
        # one request sees one version of each scope
        assert versioned_get_or_build(f"test:{name}", [name], build, 60, local=True) == "old"
    with request_versions():
        assert versioned_get_or_build(f"test:{name}", [name], build, 60, local=True) == "new"


def test_values_kept_in_the_process_are_bounded_least_recently_used_first(db, monkeypatch, settings):
    from collections import OrderedDict

    from apps.core.cache import local as kept

    monkeypatch.setattr(kept, "_LOCAL", OrderedDict())
    settings.CACHE_LOCAL_MAX_ENTRIES = 3
    names = [unique_scope() for _ in range(4)]
    builds = {name: Builder(name) for name in names}
    for name in names[:3]:
        versioned_get_or_build(f"test:{name}", [name], builds[name], 60, local=True)
    with request_versions():  # names[0] used again: names[1] is now the least recently used
        assert versioned_get_or_build(f"test:{names[0]}", [names[0]], builds[names[0]], 60, local=True) == names[0]
    versioned_get_or_build(f"test:{names[3]}", [names[3]], builds[names[3]], 60, local=True)
    assert list(kept._LOCAL) == [f"test:{names[2]}", f"test:{names[0]}", f"test:{names[3]}"]
    assert builds[names[0]].calls == 1  # served from the process, not built again


def test_an_api_request_on_a_tenant_host_reads_versions_once(alpha_client, redis_commands, settings):
    """Routing reads the host's entry and the tenant's version (one MGET); the plan limits
    the rate limiter reads next depend on the same version: no further read. The limiter's
    counters are one script (EVALSHA). Within TENANT_ROUTING_LOCAL_SECONDS of that read,
    the next request reads no version at all."""
    settings.TENANT_ROUTING_LOCAL_SECONDS = 0
    alpha_client.get("/api/v1/no-such-endpoint/")  # fills the caches
    redis_commands.clear()
    response = alpha_client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response["X-RateLimit-Limit"]
    assert redis_commands == ["MGET", "EVALSHA"]

    settings.TENANT_ROUTING_LOCAL_SECONDS = 60
    alpha_client.get("/api/v1/no-such-endpoint/")  # reads the versions, then trusts them
    redis_commands.clear()
    response = alpha_client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response["X-RateLimit-Limit"]
    assert redis_commands == ["EVALSHA"]


def a_new_process_after_requests_at(clients) -> None:
    """Redis holds what requests at these tenants' hosts cached (and their groups' tokens:
    a group never bumped gets its first one when first read); this process keeps nothing."""
    from apps.core import cache as versioned
    from apps.tenants.models import Tenant

    for client in clients:
        client.get("/api/v1/no-such-endpoint/")
    hosts = [client.defaults["HTTP_HOST"] for client in clients]
    versions(*(group(scope("tenant", pk)) for pk in Tenant.objects.filter(domains__domain__in=hosts)
                                                                  .values_list("pk", flat=True)))
    versioned.forget_local()
    versioned._HINTS.clear()


def test_the_first_request_of_a_tenant_in_a_process_brings_its_plan_limits_along(
        alpha_client, beta_client, redis_commands, settings, clock):
    """A process that never served the tenant (with 10,000 tenants, most requests of a
    process): routing reads the host's entry (one MGET) and learns the tenant, whose version
    and group come in a second MGET with its plan limits: the rate limiter reads nothing of
    its own. The routing is then trusted past its window while the groups hold: one read of
    every group's token per window serves every tenant."""
    settings.TENANT_ROUTING_LOCAL_SECONDS = 2
    clients = (alpha_client, beta_client)
    a_new_process_after_requests_at(clients)
    for client in clients:
        redis_commands.clear()
        response = client.get("/api/v1/no-such-endpoint/")
        assert response.status_code == 404 and response["X-RateLimit-Limit"]
        assert redis_commands == ["MGET", "MGET", "EVALSHA"]

    clock[0] += 60
    redis_commands.clear()
    for client in clients:
        assert client.get("/api/v1/no-such-endpoint/")["X-RateLimit-Limit"]
    assert redis_commands == ["MGET", "EVALSHA", "EVALSHA"]  # the groups, once for both tenants


def test_a_worker_that_read_the_routing_at_its_start_reads_nothing_at_a_tenants_first_request(
        alpha_client, beta_client, redis_commands, settings, clock):
    """A web worker's start (platform_/wsgi.py: routing_preload) brings every host's routing
    and its tenant's plan limits that Redis holds into the process: a tenant's first
    request there reads no version and no entry (without: two MGETs, the test above). Past
    the window, one read of the groups' tokens serves every tenant, as for values the
    process read itself."""
    from apps.tenants.routing import routing_preload

    settings.TENANT_ROUTING_LOCAL_SECONDS = 2
    clients = (alpha_client, beta_client)
    a_new_process_after_requests_at(clients)
    assert routing_preload() >= 4  # alpha's and beta's routing and plan limits (and any other host's)
    redis_commands.clear()
    for client in clients:
        response = client.get("/api/v1/no-such-endpoint/")
        assert response.status_code == 404 and response["X-RateLimit-Limit"]
    assert redis_commands == ["EVALSHA", "EVALSHA"]  # the rate limiter's counters only

    clock[0] += 60
    redis_commands.clear()
    for client in clients:
        assert client.get("/api/v1/no-such-endpoint/")["X-RateLimit-Limit"]
    assert redis_commands == ["MGET", "EVALSHA", "EVALSHA"]  # the groups, once for both tenants


def test_values_brought_into_the_process_are_only_current_ones(db, redis_commands, clock):
    """keep_local_from_redis keeps what a read would: an entry stored under a version that
    has changed since (or that Redis lacks) is left to the first read, which rebuilds it."""
    from apps.core import cache as versioned

    current, changed, missing = (unique_scope() for _ in range(3))
    builds = {name: Builder("old") for name in (current, changed)}
    for name, build in builds.items():
        fresh_get(name, build, fresh_for=2)
        build.value = "new"
    another_process_bumps(changed)
    versioned.forget_local()
    assert versioned.keep_local_from_redis([f"test:{name}" for name in (current, changed, missing)]) == 1
    redis_commands.clear()
    with request_versions():
        assert fresh_get(current, builds[current], fresh_for=2) == "old"
    assert redis_commands == []  # kept: no read
    with request_versions():
        assert fresh_get(changed, builds[changed], fresh_for=2) == "new"
    assert [build.calls for build in builds.values()] == [1, 2]


def test_bringing_values_into_the_process_without_redis_keeps_nothing(db, monkeypatch):
    from apps.core import cache as versioned

    def unreachable(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(versioned.cache, "get_many", unreachable)
    versioned.forget_local()
    assert versioned.keep_local_from_redis(["test:anything"]) == 0


def fresh_get(name, build, fresh_for=60):
    return versioned_get_or_build(f"test:{name}", [name], build, 60, local=True, fresh_for=fresh_for)


def another_process_bumps(*scopes):
    """What a committed bump() writes, as another process would (this one notes nothing)."""
    from apps.core import cache as versioned

    versioned._write_versions({s: uuid.uuid4().hex for s in scopes})


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic() as the test sets it; the process-local cache's times start over."""
    from apps.core.cache import local as kept

    now = [1000.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: now[0])
    for times_of_this_clock in ("_BUMPED_AT", "_bumps_known_since", "_longest_fresh_for", "_groups_read_at",
                                "_GROUP_TOKENS", "_KNOWN_GROUPS"):
        value = getattr(kept, times_of_this_clock)
        monkeypatch.setattr(kept, times_of_this_clock, type(value)() if isinstance(value, dict | set) else value)
    monkeypatch.setattr(kept, "_groups_read_at", float("-inf"))
    return now


def test_a_fresh_value_is_served_without_reading_versions_until_its_window_ends(db, redis_commands, clock):
    name, build = unique_scope(), Builder("old")
    fresh_get(name, build, fresh_for=2)
    another_process_bumps(name)
    build.value = "new"
    redis_commands.clear()
    with request_versions():
        assert fresh_get(name, build, fresh_for=2) == "old"  # within the window: trusted
    assert redis_commands == []
    clock[0] += 2
    with request_versions():
        assert fresh_get(name, build, fresh_for=2) == "new"  # the window ended: its group changed
    assert build.calls == 2


def scopes_in_groups(count: int, *, same_group_as: str | None = None) -> list[str]:
    """Test scopes, each in another group (or all in the group of `same_group_as`)."""
    found, seen = [], set()
    while len(found) < count:
        name = unique_scope()
        if (group(name) == group(same_group_as)) if same_group_as else group(name) not in seen:
            found.append(name)
            seen.add(group(name))
    return found


def test_past_its_window_a_value_is_trusted_while_the_group_of_its_scopes_is_unchanged(db, redis_commands, clock):
    """With many tenants a process serves each one seconds or minutes apart: past the
    window, one read of every group's token (at most once per window) stands for the
    versions of all its values. A bump changes its scope's group: the values of that group
    read their versions again (rebuilt only if their own scope changed), the others not."""
    bumped, untouched = scopes_in_groups(2)
    neighbour, = scopes_in_groups(1, same_group_as=bumped)
    builds = {name: Builder("old") for name in (bumped, untouched, neighbour)}
    for name, build in builds.items():
        fresh_get(name, build, fresh_for=2)
        build.value = "new"

    clock[0] += 60
    redis_commands.clear()
    with request_versions():
        assert [fresh_get(name, build, fresh_for=2) for name, build in builds.items()] == ["old"] * 3
    assert redis_commands == ["MGET"]  # the groups' tokens, once for all three

    another_process_bumps(bumped)
    clock[0] += 1
    redis_commands.clear()
    with request_versions():  # groups read 1 s ago: a change elsewhere takes up to the window
        assert fresh_get(bumped, builds[bumped], fresh_for=2) == "old"
    assert redis_commands == []

    clock[0] += 1
    with request_versions():
        assert [fresh_get(name, build, fresh_for=2) for name, build in builds.items()] == ["new", "old", "old"]
    # the groups; bumped: its versions, its entry (stale), the rebuilt entry; neighbour: its versions
    assert redis_commands == ["MGET", "MGET", "GET", "SET", "MGET"]
    assert [build.calls for build in builds.values()] == [2, 1, 1]

    with request_versions():  # read again at the new tokens: trusted again
        assert [fresh_get(name, build, fresh_for=2) for name, build in builds.items()] == ["new", "old", "old"]
    assert [build.calls for build in builds.values()] == [2, 1, 1]


def test_a_change_committed_in_this_process_ends_the_window_at_once(db):
    name, build = unique_scope(), Builder("old")
    fresh_get(name, build)
    with transaction.atomic():
        bump(name)
        build.value = "new"
        assert fresh_get(name, build) == "new"  # the transaction sees its own change
    assert fresh_get(name, build) == "new"  # and so does every later request here


def test_a_bump_committed_here_ends_the_window_of_its_values_however_many_scopes_were_bumped(
        db, monkeypatch, clock, django_capture_on_commit_callbacks):
    """A committed bump notes when it happened (it does not pass over every value the
    process keeps): a value read before a bump of one of its scopes reads its versions
    again, also once more scopes were bumped than the process remembers (_BUMPED_MAX)."""
    from apps.core.cache import local as kept

    monkeypatch.setattr(kept, "_BUMPED_MAX", 4)
    names, builds = [unique_scope() for _ in range(3)], [Builder("old") for _ in range(3)]
    for name, build in zip(names, builds, strict=True):
        fresh_get(name, build)
        build.value = "new"

    clock[0] += 1
    with django_capture_on_commit_callbacks(execute=True):
        bump(names[0])
    assert fresh_get(names[0], builds[0]) == "new"
    assert fresh_get(names[1], builds[1]) == "old"  # not bumped: trusted within its window

    with django_capture_on_commit_callbacks(execute=True):
        bump(names[1])
    for _ in range(10):  # more scopes than it remembers, within the window
        clock[0] += 1
        with django_capture_on_commit_callbacks(execute=True):
            bump(unique_scope())
    assert fresh_get(names[1], builds[1]) == "new"  # its bump was let go: not trusted, versions read
    assert fresh_get(names[2], builds[2]) == "old"  # versions read, unchanged: the value kept
    assert [build.calls for build in builds] == [2, 2, 1]


def test_a_fresh_value_agrees_with_the_versions_its_request_read(db):
    """A request that read a scope at another version than the value's does not trust it
    (one request sees one version of each scope), and one that trusts it sees its versions."""
    name, build = unique_scope(), Builder("old")
    fresh_get(name, build)
    cache.set(version_key(name), "another-process-bumped-it", None)
    build.value = "new"
    with request_versions():
        assert versions(name)[name] == "another-process-bumped-it"
        assert fresh_get(name, build) == "new"
    other, other_build = unique_scope(), Builder("kept")
    fresh_get(other, other_build)
    token = cache.get(version_key(other))
    cache.set(version_key(other), "changed-after", None)
    with request_versions():
        assert fresh_get(other, other_build) == "kept"
        assert versions(other)[other] == token  # what the trusted value was read at


def test_a_token_request_reads_the_member_and_its_access_versions_in_one_mget(tenant_alpha, redis_commands, settings):
    """/me/ in the steady state: one MGET (the user's version and the workspace's roles
    version, read along), the rate limiter's script; routing within its window reads nothing."""
    from tests.plugin import client_for, obtain_tokens

    settings.TENANT_ROUTING_LOCAL_SECONDS = 60
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    client = client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get("/api/v1/me/").status_code == 200  # fills the caches
    redis_commands.clear()
    assert client.get("/api/v1/me/").status_code == 200
    assert redis_commands == ["MGET", "EVALSHA"]
