"""Tokens others can verify (apps.accounts.keys, apps.accounts.jwks): RS256 with a `kid`,
the JWKS on every host, rotation, and the HS256 transition window."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from apps.accounts import authentication
from apps.accounts.keys import generate_pem, keyring, load_key
from tests.plugin import client_for, obtain_tokens

OWNER = "owner@alpha.test"
KEY_A, KEY_B = generate_pem(), generate_pem()


@pytest.fixture(autouse=True)
def _fresh_memo():
    authentication.forget_verified_tokens()  # a token verified under other keys is checked again
    yield
    authentication.forget_verified_tokens()


def me(access: str, slug: str = "alpha"):
    return client_for(slug).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")


def jwks(host_slug: str | None = "alpha", **extra):
    return client_for(host_slug, **extra).get("/.well-known/jwks.json")


def test_tokens_are_rs256_with_a_kid_the_jwks_publishes(db):
    pair = obtain_tokens("alpha", OWNER)
    for raw in pair.values():
        header = jwt.get_unverified_header(raw)
        assert header["alg"] == "RS256" and header["kid"]
    response = jwks("alpha")
    assert response.status_code == 200 and response["Content-Type"] == "application/jwk-set+json"
    assert "public" in response["Cache-Control"] and f"max-age={settings.JWT_JWKS_MAX_AGE}" in response["Cache-Control"]
    keys = response.json()["keys"]
    assert {key["kid"] for key in keys} == {jwt.get_unverified_header(pair["access"])["kid"]}
    assert all(set(key) == {"kty", "n", "e", "kid", "alg", "use"} for key in keys)  # public halves only
    # anyone holding only the JWKS verifies the token
    public_key = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(pair["access"], public_key, algorithms=["RS256"])
    assert claims["tenant"] == "alpha" and claims["type"] == "access"


def test_the_jwks_is_the_same_on_every_host_and_carries_no_tenant_data(db):
    bodies = {jwks(slug).content for slug in ("alpha", "beta", None)}
    bodies.add(client_for(None).get("/.well-known/jwks.json", HTTP_HOST="127.0.0.1").content)
    assert len(bodies) == 1
    body = bodies.pop().decode()
    assert "alpha" not in body and "beta" not in body and "PRIVATE" not in body and '"d"' not in body
    assert client_for("alpha").post("/.well-known/jwks.json").status_code == 405


def test_rotation_keeps_the_previous_key_until_it_is_removed(db):
    with override_settings(JWT_PRIVATE_KEYS=[KEY_A]):
        old = obtain_tokens("alpha", OWNER)["access"]
        assert jwt.get_unverified_header(old)["kid"] == load_key(KEY_A).kid
    # the new key signs, the previous one still verifies and stays published
    with override_settings(JWT_PRIVATE_KEYS=[KEY_B, KEY_A]):
        new = obtain_tokens("alpha", OWNER)["access"]
        assert jwt.get_unverified_header(new)["kid"] == load_key(KEY_B).kid
        assert me(old).status_code == 200 and me(new).status_code == 200
        assert [key["kid"] for key in jwks().json()["keys"]] == [load_key(KEY_B).kid, load_key(KEY_A).kid]
    authentication.forget_verified_tokens()
    # once its tokens have expired the previous key is removed: what it signed is refused
    with override_settings(JWT_PRIVATE_KEYS=[KEY_B]):
        refused = me(old)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "token_not_valid"
        assert me(new).status_code == 200
        assert [key["kid"] for key in jwks().json()["keys"]] == [load_key(KEY_B).kid]


def test_a_retired_key_may_be_given_by_its_public_half_only(db):
    with override_settings(JWT_PRIVATE_KEYS=[KEY_A]):
        old = obtain_tokens("alpha", OWNER)["access"]
    public_a = load_key(KEY_A).public.public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with override_settings(JWT_PRIVATE_KEYS=[KEY_B, public_a]):
        assert me(old).status_code == 200
        assert jwt.get_unverified_header(obtain_tokens("alpha", OWNER)["access"])["kid"] == load_key(KEY_B).kid


def _as_hs256(raw: str) -> str:
    """The same claims signed the old way: HS256 with the shared secret."""
    claims = jwt.decode(raw, options={"verify_signature": False})
    return jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")


def test_hs256_tokens_are_accepted_only_in_the_transition_window(db):
    pair = obtain_tokens("alpha", OWNER)
    legacy, legacy_refresh = _as_hs256(pair["access"]), _as_hs256(pair["refresh"])
    assert jwt.get_unverified_header(legacy)["alg"] == "HS256"
    with override_settings(JWT_HS256_ACCEPTED_UNTIL=timezone.now() + timedelta(days=7)):
        assert me(legacy).status_code == 200
        # a refresh token of before the switch gets a pair signed the new way
        refreshed = client_for("alpha").post("/api/v1/auth/token/refresh/", {"refresh": legacy_refresh},
                                             content_type="application/json")
        assert refreshed.status_code == 200, refreshed.content
        assert jwt.get_unverified_header(refreshed.json()["access"])["alg"] == "RS256"
    authentication.forget_verified_tokens()
    for until in (timezone.now() - timedelta(seconds=1), None):
        with override_settings(JWT_HS256_ACCEPTED_UNTIL=until):
            refused = me(legacy)
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "token_not_valid"


def test_forged_headers_are_refused(db):
    access = obtain_tokens("alpha", OWNER)["access"]
    claims = jwt.decode(access, options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    other_key = jwt.encode(claims, generate_pem(), algorithm="RS256", headers={"kid": "not-ours"})
    kid = jwt.get_unverified_header(access)["kid"]
    wrong_signer = jwt.encode(claims, KEY_A, algorithm="RS256", headers={"kid": kid})  # a stranger's key, our kid
    # HS256 keyed with our public key (the algorithm-confusion attack), even inside the window
    public_pem = keyring().signing.public.public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = b".".join(base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=")
                              for part in ({"alg": "HS256", "typ": "JWT", "kid": kid}, claims))
    signature = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    confused = (signing_input + b"." + signature).decode()
    with override_settings(JWT_HS256_ACCEPTED_UNTIL=timezone.now() + timedelta(days=1)):
        for token in (unsigned, other_key, wrong_signer, confused, "not.a.token"):
            response = me(token)
            assert response.status_code == 401, token
