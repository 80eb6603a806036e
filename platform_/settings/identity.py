"""The identity hub's settings: social login (Kakao, Naver), the tokens other services
verify, custom domains and CORS."""

from .environment import env

SOCIALACCOUNT_PROVIDERS = {}
for _provider in ("kakao", "naver"):
    _client_id = env(f"{_provider.upper()}_CLIENT_ID", default="")
    if _client_id:
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": env(f"{_provider.upper()}_SECRET", default="")}]
        }
