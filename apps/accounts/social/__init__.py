"""Kakao and Naver login (django-allauth's providers, with endpoints from settings).

- providers.py: the providers and their OAuth2 adapters, registered in place of allauth's
  through SOCIALACCOUNT_PROVIDERS[...]["provider_class"] (their URLs: kakao/, naver/);
- adapter.py: the social account adapter (a login whose e-mail belongs to an existing
  account goes to the link page first);
- link.py: the link page (prove the existing account's password, then the two are linked);
- services.py: the app flow (a provider's access token -> our JWT pair).
"""
