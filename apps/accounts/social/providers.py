"""allauth's Kakao and Naver providers with their endpoints built from settings
(KAKAO_AUTH_URL, KAKAO_API_URL, NAVER_AUTH_URL, NAVER_API_URL): production talks to
kauth.kakao.com / nid.naver.com, tests and staging to a double. Registered in place of
allauth's by SOCIALACCOUNT_PROVIDERS[...]["provider_class"] (platform_/settings/identity.py);
their login and callback URLs come from `package` (apps/accounts/social/kakao, naver)."""

from __future__ import annotations

from allauth.socialaccount.providers.kakao.provider import KakaoProvider as AllauthKakaoProvider
from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter
from allauth.socialaccount.providers.naver.provider import NaverProvider as AllauthNaverProvider
from allauth.socialaccount.providers.naver.views import NaverOAuth2Adapter
from django.conf import settings


class KakaoAdapter(KakaoOAuth2Adapter):
    @property
    def authorize_url(self) -> str:
        return f"{settings.KAKAO_AUTH_URL}/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{settings.KAKAO_AUTH_URL}/oauth/token"

    @property
    def profile_url(self) -> str:
        return f"{settings.KAKAO_API_URL}/v2/user/me"


class NaverAdapter(NaverOAuth2Adapter):
    @property
    def authorize_url(self) -> str:
        return f"{settings.NAVER_AUTH_URL}/oauth2.0/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{settings.NAVER_AUTH_URL}/oauth2.0/token"

    @property
    def profile_url(self) -> str:
        return f"{settings.NAVER_API_URL}/v1/nid/me"


class KakaoProvider(AllauthKakaoProvider):
    oauth2_adapter_class = KakaoAdapter
    package = "apps.accounts.social.kakao"


class NaverProvider(AllauthNaverProvider):
    oauth2_adapter_class = NaverAdapter
    package = "apps.accounts.social.naver"


PROVIDERS = {"kakao": KakaoProvider, "naver": NaverProvider}
