"""The identity hub end to end: another service, in its own process, verifies a token it
was handed using only our JWKS (PyJWT's PyJWKClient, over HTTP from the real web server),
then asks check-permission about the token's person with its own API key."""

import json
import subprocess
import sys
import textwrap

import requests
from django.conf import settings
from django_tenants.utils import schema_context

from tests.plugin import PASSWORD, TENANTS

SERVICE = textwrap.dedent("""
    import json, sys

    import jwt
    import requests

    jwks_url, token, api, host, api_key = sys.argv[1:6]
    signing_key = jwt.PyJWKClient(jwks_url).get_signing_key_from_jwt(token)
    try:
        claims = jwt.decode(token, signing_key.key, algorithms=["RS256"])
    except jwt.InvalidTokenError as error:
        print(json.dumps({"verified": False, "error": type(error).__name__}))
        sys.exit(3)
    answer = requests.post(f"{api}/api/v1/auth/check-permission/", headers={
        "Host": host, "Authorization": f"Api-Key {api_key}"},
        json={"user": claims["sub"], "permission": "customer:view"}, timeout=30)
    print(json.dumps({"verified": True, "kid": signing_key.key_id, "claims": claims, "status": answer.status_code,
                      "check": answer.json()}))
""")


def run_service(*args) -> subprocess.CompletedProcess:
    # a plain Python with PyJWT and requests: no Django, no settings, none of our code
    return subprocess.run([sys.executable, "-c", SERVICE, *args], cwd="/", capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin"})


def test_a_separate_service_verifies_our_token_with_the_jwks_and_checks_a_permission(
        live_server_url, committed):
    from apps.accounts.models import User
    from apps.apikeys.models import ApiKey
    from apps.apikeys.services import api_key_create
    from apps.authz import catalogue

    owner_alpha = User.objects.get(email=TENANTS["alpha"]["owner_email"])
    base = live_server_url.format(host="127.0.0.1")
    host = f"alpha.{settings.BASE_DOMAIN}"
    with schema_context("alpha"):
        key, secret = api_key_create(name="OMS", perms=["identity:check"], actor=None,
                                     actor_perms={catalogue.django_perm("identity:check")})
    try:
        login = requests.post(f"{base}/api/v1/auth/token/", headers={"Host": host}, timeout=30,
                              json={"email": owner_alpha.email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        access = login.json()["access"]
        jwks_url = f"{base}/.well-known/jwks.json"
        result = run_service(jwks_url, access, base, host, secret)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["verified"] is True
        assert answer["claims"]["sub"] == str(owner_alpha.public_id) and answer["claims"]["tenant"] == "alpha"
        assert answer["status"] == 200 and answer["check"]["allowed"] is True
        assert answer["check"]["user"] == str(owner_alpha.public_id)
        # a token changed by one character is refused by the service on its own
        forged = access[:-3] + ("A" if access[-3] != "A" else "B") + access[-2:]
        refused = run_service(jwks_url, forged, base, host, secret)
        assert refused.returncode == 3 and json.loads(refused.stdout)["verified"] is False
    finally:
        with schema_context("alpha"):
            ApiKey.objects.filter(pk=key.pk).delete()

