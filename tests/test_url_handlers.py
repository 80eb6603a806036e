"""Every method a view answers takes the arguments its URL gives it. A view that inherits a
handler meant for another URL (a list's `get(request)` under an action's `<pk>` route)
would answer that method with a TypeError: a 500. Found by QA on
`GET /api/v1/my/enrolments/<pk>/withdraw/`; this walks both URLconfs for the whole class."""

from __future__ import annotations

import inspect

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver


def _views(urlconf: str):
    """(route, view class, names of the URL's keyword arguments) of every class-based view."""
    found = []

    def walk(patterns, prefix: str, names: tuple[str, ...]):
        for pattern in patterns:
            own = tuple(getattr(pattern.pattern, "converters", {}) or pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), names + own)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
                if view is not None:
                    found.append((prefix + str(pattern.pattern), view, names + own,
                                  getattr(pattern.callback, "initkwargs", {}) or {}))

    walk(get_resolver(urlconf).url_patterns, "", ())
    return found


@pytest.mark.parametrize("urlconf", [settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF])
def test_every_handler_takes_its_urls_arguments(urlconf):
    wrong = []
    views = _views(urlconf)
    assert len(views) > 50, views  # the walk found the API
    for route, view, names, initkwargs in views:
        instance = view(**initkwargs)
        methods = [m for m in view.http_method_names if m != "options" and hasattr(instance, m)]
        for method in methods:
            handler = getattr(instance, method)
            try:
                inspect.signature(handler).bind(object(), **{name: 1 for name in names})
            except TypeError as exc:
                wrong.append(f"{method.upper()} {route} ({view.__name__}): {exc}")
    assert wrong == [], "\n".join(wrong)
