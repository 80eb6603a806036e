from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from ..providers import KakaoProvider

urlpatterns = default_urlpatterns(KakaoProvider)
