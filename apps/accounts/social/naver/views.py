from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from ..providers import NaverAdapter

oauth2_login = OAuth2LoginView.adapter_view(NaverAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(NaverAdapter)
