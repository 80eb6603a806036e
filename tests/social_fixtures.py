"""The Kakao and Naver double (tests/oauth_provider_double.py) as a fixture, and the
settings that point the platform's providers at it."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests

from tests.plugin import ROOT, _free_port, _stop, _wait_for_port, artifact_log

CLIENT_IDS = {"kakao": "kakao-test-client", "naver": "naver-test-client"}


class OAuthDouble:
    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def control(self, **command) -> None:
        requests.post(f"{self.url}/_control", json=command, timeout=5).raise_for_status()

    def reset(self, users=None, login_as=None) -> None:
        self.control(reset=True, users=users or {}, login_as=login_as or {})

    def access_token(self, provider: str, uid: str) -> str:
        """A token as the provider's SDK hands it to a mobile app."""
        response = requests.post(f"{self.url}/_control/token", json={"provider": provider, "uid": uid}, timeout=5)
        response.raise_for_status()
        return response.json()["access_token"]

    def requests(self) -> list[str]:
        return requests.get(f"{self.url}/_control", timeout=5).json()["requests"]


@pytest.fixture(scope="session")
def oauth_double_process():
    port = _free_port()
    log = artifact_log("oauth-provider-double")
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "oauth_provider_double.py"),
                                    "--port", str(port)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    _wait_for_port(port, process, log, seconds=20)
    yield OAuthDouble(port)
    _stop(process, seconds=5)


@pytest.fixture
def oauth_double(oauth_double_process, settings):
    """The double, reset, with the platform's Kakao and Naver apps pointed at it."""
    oauth_double_process.reset()
    settings.KAKAO_AUTH_URL = settings.KAKAO_API_URL = oauth_double_process.url
    settings.NAVER_AUTH_URL = settings.NAVER_API_URL = oauth_double_process.url
    settings.SOCIALACCOUNT_PROVIDERS = {
        provider: {**config, "APPS": [{"client_id": CLIENT_IDS[provider], "secret": f"{provider}-secret"}]}
        for provider, config in settings.SOCIALACCOUNT_PROVIDERS.items()}
    return oauth_double_process


def provider_round_trip(client, provider: str, *, host_path: str = "") -> object:
    """The browser's trip: our login button (POST), the provider's authorize page (which
    redirects back with a code), our callback. Returns the callback's response."""
    start = client.post(f"/accounts/{provider}/login/")
    assert start.status_code == 302, start.content[:500]
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302, authorize.text
    back = urlsplit(authorize.headers["Location"])
    assert back.path == f"/accounts/{provider}/login/callback/", back
    return client.get(f"{back.path}?{back.query}")
