"""The bounds every message-template render keeps, whatever the template (used by
apps.notifications.rendering): no value (a string, a list, what a filter returns, what
`~` joins) and no message longer than MAX_RESULT characters, integers under MAX_INT_BITS,
the filters that take a size checked before they run, loops nested at most
MAX_LOOP_DEPTH deep (checked when the template is parsed), and every loop step, filter
and operator charged to a budget of MAX_WORK steps per render (`current_render`)."""

from __future__ import annotations

import inspect
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from itertools import islice

from django.utils.translation import gettext as _
from jinja2 import TemplateSyntaxError, Undefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.visitor import NodeTransformer

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
class RenderState:
    language: str | None = None
    time_zone: str | None = None
    work: int = MAX_WORK


current_render: ContextVar[RenderState | None] = ContextVar("notification_render", default=None)


def charge(steps: int) -> None:
    state = current_render.get()
    if state is None:  # compile-time constant folding: the checks still apply, there is no budget yet
        return
    state.work -= steps
    if state.work < 0:
        raise SecurityError(_("The template does too much work for a message."))


def too_long():
    return SecurityError(_("The result would be too long."))


def weight(value, limit: int = MAX_RESULT) -> int:
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
    charge(total)
    return total


def bounded(value):
    if weight(value) > MAX_RESULT:
        raise too_long()
    return value


def check_format(fmt: str, values) -> None:
    """`fmt % values` stays small: no width or precision over MAX_FORMAT_WIDTH, no `*`."""
    for width, precision in _FORMAT_SPEC.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and (len(number) > 3 or int(number) > MAX_FORMAT_WIDTH)):
                raise SecurityError(_("A width in the format is too large."))
    if weight(values) > MAX_RESULT:
        raise too_long()


def check_size(number, *, limit: int = MAX_RESULT) -> None:
    if isinstance(number, int) and abs(number) > limit:
        raise SecurityError(_("A size given to a filter is too large."))



def materialised(arguments: dict, name: str = "value") -> None:
    """An iterable argument (a generator of `map`, say) as a list, refused when longer than MAX_RESULT."""
    value = arguments.get(name)
    if isinstance(value, str | dict | Undefined) or not hasattr(value, "__iter__"):
        return
    items = list(islice(iter(value), MAX_RESULT + 1))
    charge(len(items))
    if len(items) > MAX_RESULT:
        raise too_long()
    arguments[name] = items


def _check_center(a):
    check_size(a["width"])


def _check_indent(a):
    width = a["width"]
    width = len(str(width)) if isinstance(width, str) else width
    check_size(width)
    if isinstance(width, int) and width * (str(a["s"]).count("\n") + 1) > MAX_RESULT:
        raise too_long()


def _check_wordwrap(a):
    check_size(a["width"])
    if a["wrapstring"] is not None and len(str(a["wrapstring"])) > MAX_WRAPSTRING:
        raise SecurityError(_("A size given to a filter is too large."))


def _check_format_filter(a):
    check_format(str(a["value"]), a["kwargs"] or a["args"])


def _check_replace(a):
    text, old, new = str(a["s"]), str(a["old"]), str(a["new"])
    count = text.count(old) if old else len(text) + 1
    if isinstance(a["count"], int) and a["count"] >= 0:
        count = min(count, a["count"])
    if len(text) + count * max(len(new) - len(old), 0) > MAX_RESULT:
        raise too_long()


def _check_join(a):
    materialised(a)
    items = a["value"] if isinstance(a["value"], list | tuple) else []
    separator = len(str(a["d"])) * max(len(items) - 1, 0)
    if separator + sum(weight(item) for item in items) > MAX_RESULT:
        raise too_long()


def _check_batch(a):
    check_size(a["linecount"], limit=MAX_RANGE)


def _check_slice(a):
    check_size(a["slices"], limit=MAX_RANGE)


def _check_sum(a):
    if not isinstance(a["start"], int | float):  # adding up lists or strings is quadratic: numbers only
        raise SecurityError(_("Only numbers can be added up."))


def _check_round(a):
    check_size(a["precision"], limit=MAX_FORMAT_WIDTH)


def _check_tojson(a):
    check_size(a["indent"], limit=MAX_WRAPSTRING)


def _check_list(a):
    materialised(a)


# Filters that take a size (or build from one) are checked before they run; every filter's
# arguments and result are bounded (apps.notifications.rendering._guarded).
FILTER_CHECKS = {"center": _check_center, "indent": _check_indent, "wordwrap": _check_wordwrap,
                 "format": _check_format_filter, "replace": _check_replace, "join": _check_join,
                 "batch": _check_batch, "slice": _check_slice, "sum": _check_sum, "round": _check_round,
                 "tojson": _check_tojson, "list": _check_list, "truncate": lambda a: check_size(a["length"])}


def guarded(name: str, function):
    check = FILTER_CHECKS.get(name)
    signature = inspect.signature(function)

    @wraps(function)  # keeps Jinja's pass_context / pass_environment mark
    def guarded(*args, **kwargs):
        for argument in (*args, *kwargs.values()):
            if weight(argument) > MAX_RESULT:
                raise too_long()
        if check is not None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            check(bound.arguments)
            args, kwargs = bound.args, bound.kwargs
        return bounded(function(*args, **kwargs))

    return guarded


def counted(iterable):
    """A loop's items, each charged to the render's budget."""
    for item in iterable:
        charge(1)
        yield item


def concat(parts: tuple) -> str:
    """`a ~ b`: refused before joining when the result would be too long."""
    if sum(weight(part) for part in parts) > MAX_RESULT:
        raise too_long()
    return "".join(str(part) for part in parts)


def bounded_range(*args) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(_("range() gives at most %(count)s numbers.") % {"count": MAX_RANGE})
    return numbers


def finalize(value):
    return bounded(value)


# --- The environment -----------------------------------------------------------------------------


def check_loops(node, name, depth: int = 0) -> None:
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
        check_loops(child, name, inner)


class Bounds(NodeTransformer):
    """Every loop's items go through `counted`; every `a ~ b` through `concat`."""

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_counted", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        return nodes.Filter(nodes.Tuple(node.nodes, "load", lineno=node.lineno), "_concat", [], [], None, None,
                            lineno=node.lineno)


