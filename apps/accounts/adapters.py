from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings

from .errors import InvalidCredentials
from .links import PublicLinksMixin


class AccountAdapter(PublicLinksMixin, DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return settings.ACCOUNT_SIGNUP_OPEN

    def authentication_failed(self, request, **credentials):
        refused = getattr(request, "login_refused", None)
        if refused is not None and not isinstance(refused, InvalidCredentials):
            raise forms.ValidationError(refused.message, code=refused.code)
