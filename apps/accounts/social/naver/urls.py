from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from ..providers import NaverProvider

urlpatterns = default_urlpatterns(NaverProvider)
