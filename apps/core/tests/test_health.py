from django.db import connections
from django.db.utils import ConnectionHandler

from apps.core.health import check_database, run_checks
from tests.plugin import client_for


def test_health_is_up_on_every_host(db):
    for slug in (None, "alpha", "beta"):
        response = client_for(slug).get("/health/")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert {name: check["status"] for name, check in body["checks"].items()} == {
            "database": "up", "redis": "up", "broker": "up"}


def test_health_is_503_when_redis_is_down(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client_for(None).get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"


def test_health_is_503_when_the_broker_is_down(db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client_for("alpha").get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "down"


def test_database_check_fails_against_a_dead_server(db):
    dead = dict(connections["default"].settings_dict, PORT=1, NAME="nothing")
    handler = ConnectionHandler({"default": dead})
    try:
        check_database(handler["default"])
    except Exception as exc:
        assert "connect" in str(exc).lower() or "refused" in str(exc).lower()
    else:
        raise AssertionError("a dead database passed the check")
    finally:
        handler.close_all()
    healthy, results = run_checks()
    assert healthy and results["database"]["status"] == "up"
