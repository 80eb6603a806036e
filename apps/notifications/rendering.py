"""Message templates are Jinja, sandboxed: the context is the event's `data` and nothing
else (no settings, no models, no request), no attribute of any object is reachable (a
dict's keys are, `order.number` reads `data["order"]["number"]`; `order.items`, a
method, or `__class__` are refused), no globals but `range`, and the operators that can
blow up memory (`*`, `**`) are bounded. Filters: Jinja's own plus `money` (a MONEY
value, {"amount", "currency"}, in the message's language) and `date` (an ISO date-time in
the workspace's time zone).

A template that does not compile is refused with its line number (`template_check`)."""

from __future__ import annotations

import operator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from jinja2 import TemplateSyntaxError, Undefined, meta
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from apps.core.money import Money

MAX_RESULT = 20_000  # characters a multiplication may produce; messages are short


class MessageEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def is_safe_attribute(self, obj, attr, value):
        return False  # only the payload's keys (dict items), never an attribute

    def getattr(self, obj, attribute):
        """`order.number` is `order["number"]`; a missing key is empty; anything that would
        reach an attribute (a method, `__class__`) is refused."""
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        if isinstance(obj, Undefined):
            return self.undefined(obj=obj, name=attribute)
        if attribute.startswith("_") or hasattr(obj, attribute):
            raise SecurityError(_("“%(name)s” is not in the event's data.") % {"name": attribute})
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj, argument):
        if isinstance(obj, dict | list | str):
            try:
                return obj[argument]
            except (LookupError, TypeError):
                return self.undefined(obj=obj, name=argument)
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        return self.undefined(obj=obj, name=argument)

    def is_safe_callable(self, obj):
        return False

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError(_("The exponent is too large."))
            return operator.pow(left, right)
        for sequence, times in ((left, right), (right, left)):
            if isinstance(sequence, str | list) and isinstance(times, int) and len(sequence) * times > MAX_RESULT:
                raise SecurityError(_("The result would be too long."))
        return operator.mul(left, right)


def _money(value, language: str | None = None) -> str:
    if isinstance(value, Undefined) or not isinstance(value, dict):
        return "" if value is None or isinstance(value, Undefined) else str(value)
    try:
        return Money(int(value["amount"]), str(value["currency"])).format(language)
    except (KeyError, TypeError, ValueError):
        return ""


def _date(value, time_zone: str | None = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if isinstance(value, Undefined) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None and time_zone:
        moment = moment.astimezone(ZoneInfo(time_zone))
    return moment.strftime(fmt)


def environment(*, language: str | None = None, time_zone: str | None = None):
    env = MessageEnvironment(autoescape=False, undefined=Undefined)
    env.globals = {"range": env.globals["range"]}
    env.filters["money"] = lambda value: _money(value, language)
    env.filters["date"] = lambda value, fmt="%Y-%m-%d %H:%M": _date(value, time_zone, fmt)
    return env


class TemplateProblem(Exception):
    """A template that does not compile or does not render: `message` says where and why."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def template_check(source: str) -> None:
    """Refuse a template that does not compile, naming the line."""
    try:
        environment().parse(source or "")
    except TemplateSyntaxError as error:
        raise TemplateProblem(_("Line %(line)s: %(message)s") % {"line": error.lineno, "message": error.message},
                              line=error.lineno) from None


def render(source: str, data: dict, *, language: str | None = None, time_zone: str | None = None) -> str:
    """`source` with the event's `data` as its only context; refused attribute access or
    any other error in the template is a TemplateProblem."""
    try:
        template = environment(language=language, time_zone=time_zone).from_string(source or "")
        return template.render(dict(data or {})).strip()
    except TemplateSyntaxError as error:
        raise TemplateProblem(_("Line %(line)s: %(message)s") % {"line": error.lineno, "message": error.message},
                              line=error.lineno) from None
    except SecurityError as error:
        raise TemplateProblem(_("Not allowed in a message template: %(reason)s") % {"reason": error}) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise TemplateProblem(_("The template could not be rendered: %(reason)s") % {"reason": error}) from None


def unknown_names(source: str, data: dict) -> list[str]:
    """Top-level names the template uses that the payload does not have (a likely typo)."""
    try:
        names = meta.find_undeclared_variables(environment().parse(source or ""))
    except TemplateSyntaxError:
        return []
    return sorted(name for name in names if name not in (data or {}) and name != "range")

