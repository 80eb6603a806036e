from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django import forms
from django.conf import settings
from django.utils import translation

from apps.core.mail import templated_mail

from .errors import InvalidCredentials
from .links import PublicLinksMixin
from .mail import address_language, user_language
from .models import User


class AccountAdapter(PublicLinksMixin, DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return settings.ACCOUNT_SIGNUP_OPEN

    def authentication_failed(self, request, **credentials):
        refused = getattr(request, "login_refused", None)
        if refused is not None and not isinstance(refused, InvalidCredentials):
            raise forms.ValidationError(refused.message, code=refused.code)

    def render_mail(self, template_prefix, email, context_, headers=None):
        """allauth's mails (password reset, e-mail confirmation ...) like all of ours
        (apps.core.mail): text and HTML, in the recipient's language (theirs when the
        address is a user's, else the language of the page they used), headed by the
        workspace's name on a workspace's host."""
        user = context_.get("user")
        language = (user_language(user, translation.get_language()) if isinstance(user, User)
                    else address_language(email, translation.get_language()))
        request = context_.get("request") or context.request
        tenant = getattr(request, "tenant", None)
        brand = tenant.name if tenant is not None and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME else ""
        context_ = {"signup_open": self.is_open_for_signup(request), **context_}
        message = templated_mail(to=email, template=template_prefix, context=context_, language=language,
                                 brand=brand, from_email=self.get_from_email(), headers=headers)
        message.subject = self.format_email_subject(message.subject)
        return message
