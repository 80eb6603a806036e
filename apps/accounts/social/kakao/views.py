from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from ..providers import KakaoAdapter

oauth2_login = OAuth2LoginView.adapter_view(KakaoAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(KakaoAdapter)
