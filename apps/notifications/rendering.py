"""Message templates are Jinja, sandboxed: the context is the event's `data` and nothing
else (no settings, no models, no request), no attribute of any object is reachable (a
dict's keys are, `order.number` reads `data["order"]["number"]`; `order.items`, a
method, or `__class__` are refused; a loop's `loop.index`, `loop.first`, `loop.last`…
are there), no globals but `range` (up to 100 numbers). Filters: Jinja's own plus
`money` (a MONEY value, {"amount", "currency"}, in the message's language) and `date`
(an ISO date-time in the workspace's time zone).

A render is bounded without a timer, whatever the template: no value (a string, a list,
what a filter returns, what `~` joins) and no message may be longer than MAX_RESULT
characters, integers stay under MAX_INT_BITS, the filters that take a size (a width, a
count, a precision) are checked before they run, loops nest at most MAX_LOOP_DEPTH deep
(checked when the template is parsed) and every loop step, filter and operator is
charged to a budget of MAX_WORK steps per render.

One environment per process; compiled templates are cached by their source. A template
that does not compile (or breaks a rule above) is refused with its line number
(`template_check`)."""

from __future__ import annotations

import inspect
import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, wraps
from itertools import islice
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from jinja2 import TemplateSyntaxError, Undefined, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from apps.core.money import Money

MAX_RESULT = 20_000  # characters a value or a whole message may have; messages are short
MAX_INT_BITS = 4_096  # an integer a template computes (about 1,200 digits)
MAX_RANGE = 100  # numbers `range()` may give
MAX_LOOP_DEPTH = 2  # loops inside loops
MAX_WORK = 1_000_000  # steps a render may take: loop iterations, items and characters filters and operators touch
MAX_FORMAT_WIDTH = 100  # a width or precision in a format ("%5d", "%.2f"), a rounding precision, a JSON indent
MAX_WRAPSTRING = 10  # what `wordwrap` puts between lines
LOOP_ATTRIBUTES = frozenset(["index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
                             "depth0", "previtem", "nextitem", "cycle", "changed"])
LOOP_METHODS = frozenset(["cycle", "changed"])
_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


# --- The budget of one render --------------------------------------------------------------------


@dataclass
class _Render:
    language: str | None = None
    time_zone: str | None = None
    work: int = MAX_WORK


_current: ContextVar[_Render | None] = ContextVar("notification_render", default=None)


def _charge(steps: int) -> None:
    state = _current.get()
    if state is None:  # compile-time constant folding: the checks still apply, there is no budget yet
        return
    state.work -= steps
    if state.work < 0:
        raise SecurityError(_("The template does too much work for a message."))


def _too_long():
    return SecurityError(_("The result would be too long."))


def _weight(value, limit: int = MAX_RESULT) -> int:
    """About the characters `value` takes written out (strings by length, every item of a
    list or dict at least one, nested ones in full, however often a list is referenced),
    counted up to just past `limit`; the count is charged."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += max(len(item), 1)
        elif isinstance(item, bool) or item is None:
            total += 1
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, dict):
            total += 1
            for key, element in islice(item.items(), limit - total + 1):
                stack += (key, element)
        elif isinstance(item, list | tuple | set | frozenset):
            total += 1
            stack.extend(islice(item, limit - total + 1))
        else:  # a number, a range, a generator, an Undefined: small until a filter materialises it
            total += 1
    _charge(total)
    return total


def _bounded(value):
    if _weight(value) > MAX_RESULT:
        raise _too_long()
    return value


def _check_format(fmt: str, values) -> None:
    """`fmt % values` stays small: no width or precision over MAX_FORMAT_WIDTH, no `*`."""
    for width, precision in _FORMAT_SPEC.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and (len(number) > 3 or int(number) > MAX_FORMAT_WIDTH)):
                raise SecurityError(_("A width in the format is too large."))
    if _weight(values) > MAX_RESULT:
        raise _too_long()


def _check_size(number, *, limit: int = MAX_RESULT) -> None:
    if isinstance(number, int) and abs(number) > limit:
        raise SecurityError(_("A size given to a filter is too large."))


# --- Filters ------------------------------------------------------------------------------------


def _money(value) -> str:
    if isinstance(value, Undefined) or not isinstance(value, dict):
        return "" if value is None or isinstance(value, Undefined) else str(value)
    state = _current.get()
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
    state = _current.get()
    if moment.tzinfo is not None and state is not None and state.time_zone:
        moment = moment.astimezone(ZoneInfo(state.time_zone))
    return moment.strftime(str(fmt))


def _materialised(arguments: dict, name: str = "value") -> None:
    """An iterable argument (a generator of `map`, say) as a list, refused when longer than MAX_RESULT."""
    value = arguments.get(name)
    if isinstance(value, str | dict | Undefined) or not hasattr(value, "__iter__"):
        return
    items = list(islice(iter(value), MAX_RESULT + 1))
    _charge(len(items))
    if len(items) > MAX_RESULT:
        raise _too_long()
    arguments[name] = items


def _check_center(a):
    _check_size(a["width"])


def _check_indent(a):
    width = a["width"]
    width = len(str(width)) if isinstance(width, str) else width
    _check_size(width)
    if isinstance(width, int) and width * (str(a["s"]).count("\n") + 1) > MAX_RESULT:
        raise _too_long()


def _check_wordwrap(a):
    _check_size(a["width"])
    if a["wrapstring"] is not None and len(str(a["wrapstring"])) > MAX_WRAPSTRING:
        raise SecurityError(_("A size given to a filter is too large."))


def _check_format_filter(a):
    _check_format(str(a["value"]), a["kwargs"] or a["args"])


def _check_replace(a):
    text, old, new = str(a["s"]), str(a["old"]), str(a["new"])
    count = text.count(old) if old else len(text) + 1
    if isinstance(a["count"], int) and a["count"] >= 0:
        count = min(count, a["count"])
    if len(text) + count * max(len(new) - len(old), 0) > MAX_RESULT:
        raise _too_long()


def _check_join(a):
    _materialised(a)
    items = a["value"] if isinstance(a["value"], list | tuple) else []
    separator = len(str(a["d"])) * max(len(items) - 1, 0)
    if separator + sum(_weight(item) for item in items) > MAX_RESULT:
        raise _too_long()


def _check_batch(a):
    _check_size(a["linecount"], limit=MAX_RANGE)


def _check_slice(a):
    _check_size(a["slices"], limit=MAX_RANGE)


def _check_sum(a):
    if not isinstance(a["start"], int | float):  # adding up lists or strings is quadratic: numbers only
        raise SecurityError(_("Only numbers can be added up."))


def _check_round(a):
    _check_size(a["precision"], limit=MAX_FORMAT_WIDTH)


def _check_tojson(a):
    _check_size(a["indent"], limit=MAX_WRAPSTRING)


def _check_list(a):
    _materialised(a)


# Filters that take a size (or build from one) are checked before they run; every filter's
# arguments and result are bounded (apps.notifications.rendering._guarded).
FILTER_CHECKS = {"center": _check_center, "indent": _check_indent, "wordwrap": _check_wordwrap,
                 "format": _check_format_filter, "replace": _check_replace, "join": _check_join,
                 "batch": _check_batch, "slice": _check_slice, "sum": _check_sum, "round": _check_round,
                 "tojson": _check_tojson, "list": _check_list, "truncate": lambda a: _check_size(a["length"])}


def _guarded(name: str, function):
    check = FILTER_CHECKS.get(name)
    signature = inspect.signature(function)

    @wraps(function)  # keeps Jinja's pass_context / pass_environment mark
    def guarded(*args, **kwargs):
        for argument in (*args, *kwargs.values()):
            if _weight(argument) > MAX_RESULT:
                raise _too_long()
        if check is not None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            check(bound.arguments)
            args, kwargs = bound.args, bound.kwargs
        return _bounded(function(*args, **kwargs))

    return guarded


def _counted(iterable):
    """A loop's items, each charged to the render's budget."""
    for item in iterable:
        _charge(1)
        yield item


def _concat(parts: tuple) -> str:
    """`a ~ b`: refused before joining when the result would be too long."""
    if sum(_weight(part) for part in parts) > MAX_RESULT:
        raise _too_long()
    return "".join(str(part) for part in parts)


def _range(*args) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(_("range() gives at most %(count)s numbers.") % {"count": MAX_RANGE})
    return numbers


def _finalize(value):
    return _bounded(value)


# --- The environment -----------------------------------------------------------------------------


def _check_loops(node, name, depth: int = 0) -> None:
    for child in node.iter_child_nodes():
        inner = depth
        if isinstance(child, nodes.For):
            if child.recursive:
                raise TemplateSyntaxError(_("Recursive loops are not allowed in a message template."),
                                          child.lineno, name)
            inner = depth + 1
            if inner > MAX_LOOP_DEPTH:
                raise TemplateSyntaxError(_("Loops may be nested at most %(depth)s deep in a message template.")
                                          % {"depth": MAX_LOOP_DEPTH}, child.lineno, name)
        _check_loops(child, name, inner)


class _Bounds(NodeTransformer):
    """Every loop's items go through `_counted`; every `a ~ b` through `_concat`."""

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_counted", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        return nodes.Filter(nodes.Tuple(node.nodes, "load", lineno=node.lineno), "_concat", [], [], None, None,
                            lineno=node.lineno)


class MessageEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self):
        super().__init__(autoescape=False, undefined=Undefined, finalize=_finalize)
        self.globals = {"range": _range}
        filters = {**self.filters, "money": _money, "date": _date}
        self.filters = {name: _guarded(name, function) for name, function in filters.items()}
        self.filters.update({"_counted": _counted, "_concat": _concat})

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        _check_loops(tree, name)
        tree = _Bounds().visit(tree)
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
        if obj is _range:
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
                        and _weight(sequence) * times > MAX_RESULT:
                    raise _too_long()
        elif operator_name == "%" and isinstance(left, str):
            _check_format(left, right)
        return _bounded(self.binop_table[operator_name](left, right))


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
    token = _current.set(_Render(language=language, time_zone=time_zone))
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
        _current.reset(token)


def unknown_names(source: str, data: dict) -> list[str]:
    """Top-level names the template uses that the payload does not have (a likely typo)."""
    try:
        names = meta.find_undeclared_variables(_environment().parse(source or ""))
    except (TemplateSyntaxError, RecursionError):
        return []
    return sorted(name for name in names if name not in (data or {}) and name != "range")
