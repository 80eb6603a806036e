"""Message templates are sandboxed: the payload's keys and nothing else; a mistake is
refused with its line."""

import pytest

from apps.notifications.rendering import TemplateProblem, render, template_check

DATA = {"order": {"number": 1042, "total": {"amount": 19000, "currency": "KRW"}, "lines": [{"name": "Bibimbap"}]},
        "customer": {"name": "Kim"}}


def test_payload_keys_filters_and_loops():
    text = render("#{{ order.number }} {{ order['number'] }} {{ order.total|money }} "
                  "{% for line in order.lines %}{{ line.name|upper }}{% endfor %} {{ missing }}.", DATA, language="en")
    assert text == "#1042 1042 ₩19,000 BIBIMBAP ."
    assert render("{{ order.total|money }}", DATA, language="ko") == "₩19,000"


@pytest.mark.parametrize("source", [
    "{{ order.items() }}",  # a dict's method
    "{{ order.keys }}",
    "{{ customer.name.upper() }}",
    "{{ order.__class__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ order.__dict__ }}",
    "{{ order['lines'].pop() }}",
    "{{ order.lines.__len__ }}",
    "{{ customer.name['__class__'] }}{{ customer.name._x }}",
    "{{ 'x' * 100000 }}",
    "{{ 10 ** 1000 }}",
])
def test_sandbox_refuses_anything_beyond_the_payload(source):
    with pytest.raises(TemplateProblem) as caught:
        render(source, DATA)
    assert caught.value.message.startswith("Not allowed in a message template")


def test_missing_keys_render_as_nothing():
    assert render("{{ order.missing }}{{ nothing.at.all }}{{ cycler }}", DATA) == ""


def test_no_settings_or_globals_in_the_context():
    assert render("{{ settings }}{{ config }}{{ request }}{{ lipsum }}{{ namespace }}{{ dict }}", DATA) == ""


def test_syntax_error_names_the_line():
    with pytest.raises(TemplateProblem) as caught:
        template_check("Hello\n{{ customer.name }}\n{% if x %}no end")
    assert caught.value.line == 3 and caught.value.message.startswith("Line 3:")
    with pytest.raises(TemplateProblem, match="Line 2"):
        render("ok\n{{ order.number }", DATA)
