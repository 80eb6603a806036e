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


def test_loops_range_and_loop_variables_work():
    text = render("{% for line in order.lines %}{{ loop.index }}/{{ loop.length }} {{ line.name }}"
                  "{% if not loop.last %}, {% endif %}{% endfor %}; {% for i in range(3) %}{{ i }}{% endfor %}; "
                  "{{ '%05.1f'|format(3.14159) }} {{ 'ab'|center(6) }}|", {**DATA, "order": {
                      "lines": [{"name": "Bibimbap"}, {"name": "Tea"}]}})
    assert text == "1/2 Bibimbap, 2/2 Tea; 012; 003.1   ab  |"


@pytest.mark.parametrize("source", [
    # each of these would take seconds or gigabytes without the bounds
    "{{ (('x',) * 10000) * 10000 }}",
    "{{ 'x' * 10000 ~ 'y' * 10000 ~ 'z' * 10000 }}",
    "{{ 7 ** 100 ** 100 }}",
    "{{ (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99)"
    " * (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99) * (9 ** 99) }}",
    "{{ ''|center(100000000) }}",
    "{{ 'a\nb'|indent(100000000) }}",
    "{{ 'x'|wordwrap(100000000) }}",
    "{{ '%100000000d'|format(1) }}",
    "{{ '%.100000000f' % 1.0 }}",
    "{{ 'x'|truncate(100000000) }}",
    "{{ range(100000000)|list }}",
    "{{ range(1000)|join(',') }}",
    "{{ 'aaaa'|replace('a', 'x' * 10000) }}",
    "{% for a in range(100) %}{% for b in range(100) %}{% for c in range(100) %}.{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in range(100) %}{% for b in range(100) %}{{ 'x' * 100 }}{% endfor %}{% endfor %}",
])
def test_a_render_is_bounded_in_time_and_size(source):
    import time

    started = time.perf_counter()
    with pytest.raises(TemplateProblem):
        render(source, DATA)
    assert time.perf_counter() - started < 1


def test_three_nested_loops_are_refused_when_saved():
    with pytest.raises(TemplateProblem, match="nested at most 2"):
        template_check("{% for a in x %}{% for b in a %}{% for c in b %}{% endfor %}{% endfor %}{% endfor %}")
    template_check("{% for a in x %}{% for b in a %}{{ b }}{% endfor %}{% endfor %}")  # two are fine
