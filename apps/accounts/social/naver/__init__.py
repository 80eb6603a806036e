"""Naver login's URLs (allauth builds them from the provider's `package`)."""
