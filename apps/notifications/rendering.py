"""Message templates are Jinja, sandboxed: the context is the event's `data` and nothing
else (no settings, no models, no request), no attribute of any object is reachable (a
dict's keys are, `order.number` reads `data["order"]["number"]`; `order.items`, a
method, or `__class__` are refused; a loop's `loop.index`, `loop.first`, `loop.last`…
are there), no globals but `range` (up to 100 numbers). Filters: Jinja's own plus
`money` (a MONEY value, {"amount", "currency"}, in the message's language) and `date`
(an ISO date-time in the workspace's time zone).

A render is bounded without a timer, whatever the template (apps.notifications.limits):
no value and no message longer than MAX_RESULT characters, integers under MAX_INT_BITS,
sized filters checked before they run, loops nested at most MAX_LOOP_DEPTH deep, and a
budget of MAX_WORK steps per render.

One environment per process; compiled templates are cached by their source. A template
that does not compile (or breaks a rule above) is refused with its line number
(`template_check`)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from jinja2 import TemplateSyntaxError, Undefined, meta
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from apps.core.money import Money

from .limits import (
    LOOP_ATTRIBUTES,
    LOOP_METHODS,
    MAX_INT_BITS,
    MAX_RESULT,
    Bounds,
    RenderState,
    bounded,
    bounded_range,
    check_format,
    check_loops,
    concat,
    counted,
    current_render,
    finalize,
    guarded,
    too_long,
    weight,
)

# --- Filters ------------------------------------------------------------------------------------


def _money(value) -> str:
    if isinstance(value, Undefined) or not isinstance(value, dict):
        return "" if value is None or isinstance(value, Undefined) else str(value)
    state = current_render.get()
    try:
        return Money(int(value["amount"]), str(value["currency"])).format(state.language if state else None)
    except (KeyError, TypeError, ValueError):
        return ""


def _date(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if isinstance(value, Undefined) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    state = current_render.get()
    if moment.tzinfo is not None and state is not None and state.time_zone:
        moment = moment.astimezone(ZoneInfo(state.time_zone))
    return moment.strftime(str(fmt))



class MessageEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self):
        super().__init__(autoescape=False, undefined=Undefined, finalize=finalize)
        self.globals = {"range": bounded_range}
        filters = {**self.filters, "money": _money, "date": _date}
        self.filters = {name: guarded(name, function) for name, function in filters.items()}
        self.filters.update({"_counted": counted, "_concat": concat})  # what Bounds puts in

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        check_loops(tree, name)
        tree = Bounds().visit(tree)
        tree.set_environment(self)
        return tree

    def is_safe_attribute(self, obj, attr, value):
        return False  # only the payload's keys (dict items), never an attribute

    def getattr(self, obj, attribute):
        """`order.number` is `order["number"]`; a missing key is empty; a loop's own
        attributes (`loop.index`) are there; anything else that would reach an attribute
        (a method, `__class__`) is refused."""
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        if isinstance(obj, Undefined):
            return self.undefined(obj=obj, name=attribute)
        if isinstance(obj, LoopContext) and attribute in LOOP_ATTRIBUTES:
            return getattr(obj, attribute)
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
        if obj is bounded_range:
            return True
        return isinstance(getattr(obj, "__self__", None), LoopContext) and obj.__name__ in LOOP_METHODS

    def call_binop(self, context, operator_name, left, right):
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > 100:
                raise SecurityError(_("The exponent is too large."))
            if isinstance(left, int) and isinstance(right, int) and right > 0 \
                    and left.bit_length() * right > MAX_INT_BITS:
                raise SecurityError(_("The number would be too large."))
        elif operator_name == "*":
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise SecurityError(_("The number would be too large."))
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(times, int) and times > 0 \
                        and weight(sequence) * times > MAX_RESULT:
                    raise too_long()
        elif operator_name == "%" and isinstance(left, str):
            check_format(left, right)
        return bounded(self.binop_table[operator_name](left, right))


@lru_cache(maxsize=1)
def _environment() -> MessageEnvironment:
    return MessageEnvironment()


@lru_cache(maxsize=512)
def _compiled(source: str):
    return _environment().from_string(source)


# --- Checking and rendering ----------------------------------------------------------------------


class TemplateProblem(Exception):
    """A template that does not compile or does not render: `message` says where and why."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _syntax_problem(error: TemplateSyntaxError) -> TemplateProblem:
    return TemplateProblem(_("Line %(line)s: %(message)s") % {"line": error.lineno, "message": error.message},
                           line=error.lineno)


def template_check(source: str) -> None:
    """Refuse a template that does not compile, naming the line."""
    try:
        _environment().parse(source or "")
    except TemplateSyntaxError as error:
        raise _syntax_problem(error) from None
    except RecursionError:
        raise TemplateProblem(_("The template is nested too deeply.")) from None


def render(source: str, data: dict, *, language: str | None = None, time_zone: str | None = None) -> str:
    """`source` with the event's `data` as its only context; refused attribute access,
    a message too long or too much work, or any other error in the template is a
    TemplateProblem."""
    token = current_render.set(RenderState(language=language, time_zone=time_zone))
    try:
        template = _compiled(source or "")
        chunks, length = [], 0
        for chunk in template.generate(dict(data or {})):
            length += len(chunk)
            if length > MAX_RESULT:
                raise SecurityError(_("The message would be longer than %(limit)s characters.")
                                    % {"limit": f"{MAX_RESULT:,}"})
            chunks.append(chunk)
        return "".join(chunks).strip()
    except TemplateSyntaxError as error:
        raise _syntax_problem(error) from None
    except SecurityError as error:
        raise TemplateProblem(_("Not allowed in a message template: %(reason)s") % {"reason": error}) from None
    except RecursionError:
        raise TemplateProblem(_("The template is nested too deeply.")) from None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise TemplateProblem(_("The template could not be rendered: %(reason)s") % {"reason": error}) from None
    finally:
        current_render.reset(token)


def unknown_names(source: str, data: dict) -> list[str]:
    """Top-level names the template uses that the payload does not have (a likely typo)."""
    try:
        names = meta.find_undeclared_variables(_environment().parse(source or ""))
    except (TemplateSyntaxError, RecursionError):
        return []
    return sorted(name for name in names if name not in (data or {}) and name != "range")

