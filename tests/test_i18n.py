"""Korean is complete: every translatable string in our code and templates has a Korean
translation (in locale/ko or an app's own locale/ko), and the compiled catalogs are
current."""

import ast
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from tests.plugin import ROOT

SOURCES = [ROOT / "apps", ROOT / "platform_", ROOT / "templates"]
CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
SAME_IN_KOREAN = {"API", "CSV", "ID", "URL", "JSON", "OK", "TOTP", "HQ", "MRR", "%(count)s", "Email", "GraphQL API"}
TEMPLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
BLOCK = re.compile(r"{%\s*blocktrans(?:late)?(?P<args>[^%]*)%}(?P<body>.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)


def _python_files():
    for base in SOURCES:
        for path in base.rglob("*.py"):
            if "migrations" not in path.parts and "tests" not in path.parts:
                yield path


def _messages_in_python(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in CALLS and node.args:
                index = 1 if name.startswith("pgettext") else 0
                arg = node.args[index] if len(node.args) > index else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield arg.value, name.startswith("pgettext") and node.args[0].value


def _messages_in_templates():
    for base in SOURCES:
        for path in base.rglob("*.html"):
            text = path.read_text()
            for match in TEMPLATE_TAG.finditer(text):
                yield path, match.group(2)
            for match in BLOCK.finditer(text):
                body = match.group("body")
                if "trimmed" in match.group("args"):
                    body = " ".join(line.strip() for line in body.strip().splitlines())
                yield path, re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body)


def all_messages():
    found = {}
    for path in _python_files():
        for message, context in _messages_in_python(path):
            found[(context or None, message)] = path
    for path, message in _messages_in_templates():
        found[(None, message)] = path
    return found


def test_every_string_has_a_korean_translation():
    messages = all_messages()
    assert len(messages) > 50
    missing = []
    with translation.override("ko"):
        for (context, message), path in sorted(messages.items(), key=lambda item: str(item[1])):
            if message in SAME_IN_KOREAN or not message.strip():
                continue
            translated = translation.pgettext(context, message) if context else translation.gettext(message)
            if translated == message:
                missing.append(f"{path.relative_to(ROOT)}: {message!r}")
    assert not missing, "untranslated (run `make messages`, fill in Korean):\n" + "\n".join(missing)


CATALOGS = sorted([ROOT / "locale/ko/LC_MESSAGES/django.po", *ROOT.glob("apps/*/locale/ko/LC_MESSAGES/django.po")])


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogs_are_current(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), f"run `make messages` for {po}"
