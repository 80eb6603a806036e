"""A local double of Kakao's and Naver's documented OAuth endpoints, run as its own process:

    python tests/oauth_provider_double.py --port 8124

Point the platform at it with KAKAO_AUTH_URL = KAKAO_API_URL = NAVER_AUTH_URL =
NAVER_API_URL = http://127.0.0.1:<port>. It serves

    Kakao  GET  /oauth/authorize      -> 302 to redirect_uri?code=...&state=...
           POST /oauth/token          -> {"access_token", "token_type", "refresh_token", "expires_in"}
           GET  /v2/user/me           -> {"id", "kakao_account": {"email", "is_email_verified", "profile"}}
    Naver  GET  /oauth2.0/authorize   -> 302 to redirect_uri?code=...&state=...
           POST /oauth2.0/token       -> as Kakao's
           GET  /v1/nid/me            -> {"resultcode": "00", "message": "success", "response": {"id", "email", ...}}

as the providers document them (an unknown code: 400 invalid_grant; an unknown or missing
bearer token: 401 in the provider's shape). Users are configured by the test:

    POST /_control {"users": {"kakao": {"1001": {"email": "a@x.com", "nickname": "A"},
                                         "1002": {"nickname": "No mail"}}},   # no e-mail
                    "login_as": {"kakao": "1001"},       # who "logs in" on the authorize page
                    "reset": true}
    POST /_control/token {"provider": "kakao", "uid": "1001"} -> {"access_token": ...}  (the app flow)
    GET  /_control -> {"requests": [...paths...], "config": {...}}
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

LOCK = threading.Lock()
STATE: dict = {"users": {"kakao": {}, "naver": {}}, "login_as": {}, "codes": {}, "tokens": {}, "requests": []}


def _reset() -> None:
    STATE.update(users={"kakao": {}, "naver": {}}, login_as={}, codes={}, tokens={}, requests=[])


def _issue(provider: str, uid: str) -> dict:
    token = secrets.token_urlsafe(24)
    STATE["tokens"][token] = (provider, uid)
    return {"access_token": token, "token_type": "bearer", "refresh_token": secrets.token_urlsafe(24),
            "expires_in": 21599}


def _kakao_me(uid: str, user: dict) -> dict:
    account: dict = {"profile_needs_agreement": False, "profile": {"nickname": user.get("nickname", "")}}
    if user.get("email"):
        account.update(has_email=True, email_needs_agreement=False, is_email_valid=True,
                       is_email_verified=user.get("verified", True), email=user["email"])
    else:
        account.update(has_email=False)
    return {"id": int(uid), "connected_at": "2026-01-01T00:00:00Z",
            "properties": {"nickname": user.get("nickname", "")}, "kakao_account": account}


def _naver_me(uid: str, user: dict) -> dict:
    response = {"id": uid, "name": user.get("nickname", ""), "nickname": user.get("nickname", "")}
    if user.get("email"):
        response["email"] = user["email"]
    return {"resultcode": "00", "message": "success", "response": response}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status: int, payload=None, headers=None):
        body = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> dict:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if "json" in (self.headers.get("Content-Type") or ""):
            return json.loads(raw or "{}")
        return {key: values[0] for key, values in parse_qs(raw).items()}

    def do_GET(self):
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        with LOCK:
            STATE["requests"].append(f"GET {url.path}")
            if url.path == "/_control":
                return self._reply(200, {"requests": STATE["requests"], "config": {
                    "users": STATE["users"], "login_as": STATE["login_as"]}})
            if url.path in ("/oauth/authorize", "/oauth2.0/authorize"):
                provider = "kakao" if url.path == "/oauth/authorize" else "naver"
                return self._authorize(provider, query)
            if url.path in ("/v2/user/me", "/v1/nid/me"):
                provider = "kakao" if url.path == "/v2/user/me" else "naver"
                return self._me(provider)
        self._reply(404, {"error": "not_found"})

    def _authorize(self, provider: str, query: dict):
        uid = STATE["login_as"].get(provider)
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri or query.get("response_type") != "code" or not query.get("client_id"):
            return self._reply(400, {"error": "invalid_request"})
        if uid is None:  # the person pressed "cancel"
            params = {"error": "access_denied", "error_description": "User denied access"}
        else:
            code = secrets.token_urlsafe(16)
            STATE["codes"][code] = (provider, uid, redirect_uri, query["client_id"])
            params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return self._reply(302, headers={"Location": f"{redirect_uri}{separator}{urlencode(params)}"})

    def _me(self, provider: str):
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        held = STATE["tokens"].get(token)
        if held is None or held[0] != provider or held[1] not in STATE["users"][provider]:
            if provider == "kakao":
                return self._reply(401, {"msg": "this access token does not exist", "code": -401})
            return self._reply(401, {"resultcode": "024", "message": "Authentication failed"})
        uid = held[1]
        user = STATE["users"][provider][uid]
        return self._reply(200, _kakao_me(uid, user) if provider == "kakao" else _naver_me(uid, user))

    def do_POST(self):
        url = urlparse(self.path)
        body = self._body()
        with LOCK:
            STATE["requests"].append(f"POST {url.path}")
            if url.path == "/_control":
                if body.get("reset"):
                    _reset()
                for provider, users in (body.get("users") or {}).items():
                    STATE["users"][provider].update({str(uid): user for uid, user in users.items()})
                STATE["login_as"].update(body.get("login_as") or {})
                return self._reply(204)
            if url.path == "/_control/token":
                return self._reply(200, _issue(body["provider"], str(body["uid"])))
            if url.path in ("/oauth/token", "/oauth2.0/token"):
                provider = "kakao" if url.path == "/oauth/token" else "naver"
                grant = STATE["codes"].pop(body.get("code", ""), None)
                if (grant is None or grant[0] != provider or body.get("grant_type") != "authorization_code"
                        or body.get("client_id") != grant[3]
                        or (provider == "kakao" and body.get("redirect_uri") != grant[2])):
                    return self._reply(400, {"error": "invalid_grant",
                                             "error_description": "authorization code not found"})
                return self._reply(200, _issue(provider, grant[1]))
        self._reply(404, {"error": "not_found"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"oauth provider double on {args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
