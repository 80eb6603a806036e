"""Sessions and devices of token logins (apps.accounts.sessions): listed with device, IP
and last use; ended one by one, all others, by HQ, by a new password."""

import jwt
import pytest

from apps.accounts.models import TokenSession
from apps.accounts.sessions import device_label
from apps.audit.models import AuditEvent
from tests.plugin import PASSWORD, client_for, hq_client

OWNER = "owner@alpha.test"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.0 Mobile/15E148 Safari/604.1")
WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
           "Safari/537.36")


def login(user_agent: str, slug: str = "alpha", email: str = OWNER, ip: str = "198.51.100.7") -> dict:
    response = client_for(slug, HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/", {"email": email, "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def as_(pair: dict, slug: str = "alpha"):
    return client_for(slug, HTTP_AUTHORIZATION=f"Bearer {pair['access']}")


def refresh(pair: dict, slug: str = "alpha"):
    return client_for(slug).post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]},
                                 content_type="application/json")


def test_device_labels():
    assert device_label(IPHONE) == "Safari on iOS"
    assert device_label(WINDOWS) == "Chrome on Windows"
    assert device_label("okhttp/4.12.0") == "Android app"
    assert device_label("") == "Unknown device"


def test_a_person_sees_their_sessions_with_device_ip_and_last_use(db):
    phone, laptop = login(IPHONE, ip="198.51.100.7"), login(WINDOWS, ip="203.0.113.9")
    listed = as_(laptop).get("/api/v1/auth/sessions/")
    assert listed.status_code == 200, listed.content
    rows = {row["device"]: row for row in listed.json()}
    assert set(rows) == {"Safari on iOS", "Chrome on Windows"}
    assert rows["Chrome on Windows"]["current"] is True and rows["Safari on iOS"]["current"] is False
    assert rows["Safari on iOS"]["ip"] == "198.51.100.7" and rows["Chrome on Windows"]["ip"] == "203.0.113.9"
    # a refresh continues its session (same id, a later last use), it starts no new one
    before = rows["Safari on iOS"]
    renewed = refresh(phone)
    assert renewed.status_code == 200
    after = {row["id"]: row for row in as_(renewed.json()).get("/api/v1/auth/sessions/").json()}
    assert len(after) == 2 and after[before["id"]]["current"] is True
    assert after[before["id"]]["last_used_at"] >= before["last_used_at"]


def test_ending_one_session_logs_that_device_out(db):
    phone, laptop = login(IPHONE), login(WINDOWS)
    phone_id = next(row["id"] for row in as_(laptop).get("/api/v1/auth/sessions/").json() if not row["current"])
    assert as_(laptop).delete(f"/api/v1/auth/sessions/{phone_id}/").status_code == 204
    refused = refresh(phone)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "token_not_valid"
    assert [row["current"] for row in as_(laptop).get("/api/v1/auth/sessions/").json()] == [True]
    assert as_(laptop).delete(f"/api/v1/auth/sessions/{phone_id}/").status_code == 404  # already ended
    assert refresh(laptop).status_code == 200
    assert AuditEvent.objects.filter(action="auth.session_ended", metadata__session=phone_id).exists()


def test_nobody_ends_someone_elses_session(db):
    mine = login(WINDOWS)
    theirs = login(WINDOWS, slug="beta", email="owner@beta.test")
    their_id = as_(theirs, "beta").get("/api/v1/auth/sessions/").json()[0]["id"]
    assert as_(mine).delete(f"/api/v1/auth/sessions/{their_id}/").status_code == 404
    # the beta token on alpha's host is refused outright
    assert as_(theirs, "alpha").get("/api/v1/auth/sessions/").status_code == 401
    assert refresh(theirs, "beta").status_code == 200


def test_ending_all_others_keeps_the_current_one(db):
    first, second, current = login(IPHONE), login(WINDOWS), login(WINDOWS)
    ended = as_(current).post("/api/v1/auth/sessions/end-others/")
    assert ended.status_code == 200 and ended.json() == {"ended": 2}
    assert refresh(first).status_code == 401 and refresh(second).status_code == 401
    assert refresh(current).status_code == 200


def test_logout_ends_the_session(db):
    pair = login(IPHONE)
    sid = as_(pair).get("/api/v1/auth/sessions/").json()[0]["id"]
    assert client_for("alpha").post("/api/v1/auth/logout/", {"refresh": pair["refresh"]},
                                    content_type="application/json").status_code == 204
    assert TokenSession.objects.get(public_id=sid).end_reason == TokenSession.EndReason.LOGOUT


def test_a_new_password_ends_every_session(db, owner_alpha):
    from apps.accounts.services import user_password_changed

    alpha = login(IPHONE)
    owner_alpha.set_password(PASSWORD)
    owner_alpha.save()
    user_password_changed(user=owner_alpha, via="password_change")
    assert refresh(alpha).status_code == 401
    assert set(TokenSession.objects.filter(user=owner_alpha).values_list("end_reason", flat=True)) == {
        TokenSession.EndReason.PASSWORD_CHANGED}


def test_sessions_are_for_people_not_keys(db):
    from tests.workspace import api_key_client

    key_client, _key = api_key_client("alpha", ["customer:view"])
    assert key_client.get("/api/v1/auth/sessions/").status_code == 403
    assert client_for("alpha").get("/api/v1/auth/sessions/").status_code == 401


@pytest.mark.django_db
def test_hq_ends_all_of_a_persons_sessions_audited(owner_alpha):
    alpha, beta = login(IPHONE), login(WINDOWS, slug="beta", email="owner@beta.test")
    response = hq_client().post("/admin/accounts/user/", {"action": "end_all_sessions",
                                                          "_selected_action": [owner_alpha.pk]}, follow=True)
    assert response.status_code == 200
    assert "1 session ended." in response.content.decode()
    assert refresh(alpha).status_code == 401
    assert refresh(beta, "beta").status_code == 200  # another person's untouched
    event = AuditEvent.objects.filter(action="auth.sessions_ended", target_id=str(owner_alpha.pk)).latest("id")
    assert event.metadata["reason"] == "hq" and event.actor_email == "hq@platform.test"


def _admin_logged_in(slug: str, email: str):
    client = client_for(slug)
    assert client.post("/admin/login/", {"username": email, "password": PASSWORD}).status_code == 302
    return client


def test_the_account_page_lists_and_ends_sessions(db):
    phone, laptop = login(IPHONE), login(WINDOWS)
    page = _admin_logged_in("alpha", OWNER)
    menu = page.get("/admin/").content.decode()  # the user menu leads there
    assert 'href="/accounts/sessions/"' in menu and 'href="/admin/password_change/"' in menu
    html = page.get("/accounts/sessions/").content.decode()
    assert "Safari on iOS" in html and "Chrome on Windows" in html and "198.51.100.7" in html
    phone_id = jwt.decode(phone["refresh"], options={"verify_signature": False})["sid"]
    ended = page.post("/accounts/sessions/", {"end": str(phone_id)}, follow=True)
    assert "The session has ended" in ended.content.decode() and "Safari on iOS" not in ended.content.decode()
    assert refresh(phone).status_code == 401 and refresh(laptop).status_code == 200
    again = page.post("/accounts/sessions/", {"end": str(phone_id)}, follow=True)
    assert "That session has already ended." in again.content.decode()
    everything = page.post("/accounts/sessions/", {"end": "all"}, follow=True).content.decode()
    assert "1 session ended." in everything and 'id="no-sessions"' in everything


def test_the_account_page_is_for_the_logged_in_person_of_this_host(db):
    anonymous = client_for("alpha").get("/accounts/sessions/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    login(IPHONE)  # alpha's owner on alpha
    beta_page = _admin_logged_in("beta", "owner@beta.test")
    # beta's browser session does not log in on alpha's host, and on beta shows none of alpha's
    alpha_with_beta_cookies = client_for("alpha")
    alpha_with_beta_cookies.cookies = beta_page.cookies
    assert alpha_with_beta_cookies.get("/accounts/sessions/").status_code == 302
    assert "Safari on iOS" not in beta_page.get("/accounts/sessions/").content.decode()
