"""In Korean, no admin page of either site shows English a person should read in Korean,
nor a raw code where a label belongs (issue 10: "human labels").

The walk. HQ (a superuser with TOTP, on the public host) and a tenant owner (acme, on its
own host), both in Korean, open every link of the sidebar and every registered model's
list, add, change and history page (enumerated as apps.site.tests.test_admin_pages does),
plus the sites' own pages. `manage.py seed_demo` fills every list first (invoices paid and
open, payments, add-on requests, flags with rules, onboarding, audit history, customers
with guardians).

What a person sees on a page ("visible text"): the text nodes, outside <script>, <style>,
<template>, <textarea> (what someone typed, to edit), icon ligatures (class
material-symbols-outlined) and a JSON field's document (class highlight: stored data, shown
as stored); and the attributes title, placeholder, aria-label, alt and a button's value.
Whitespace is collapsed; a text is also read in its parts where it joins labels with
" · ", " | ", " / " or " — ".

(a) Untranslated English. The rule is an exact match against known English UI strings, so
that data passes: a text fails when, case-insensitively and without surrounding
punctuation, it *is*
  1. a msgid of a catalog the pages draw from: ours (locale/, apps/*/locale), Django's
     and the installed apps' Korean catalogs, and django-unfold's strings (it ships no
     Korean catalog: read from its templates and code). Placeholders (%s, %(name)s, {x})
     match anything, so "Select 감사 이벤트 to view" fails; a msgid with placeholders
     counts when it has two English words of its own ("%s of %s" would match "Isle of
     Man"). Not counted: msgids whose Korean is the same text ("API", "CSV");
  2. or the name of a model or field, a choice label of our models or a list column's
     heading, as it reads with Korean active, when it holds no Hangul: the names Django
     makes from attribute names ("schema name", "is primary", "subscription__plan") and
     verbose names nobody translated.
  A single lower-case word ("plan", "teacher", "false") is a key or a value, never a
  label, and passes. So do: the language switch (each language in its own name, by
  convention), English the demo typed that equals a UI string (DEMO_DATA: a tag named
  "English"), and what is stored as written for a customer in the customer's language
  (invoice lines: acme works in English).
(c) None of the Korean strings of Django's catalog that locale/ko overrides because they
  are wrong ("보기위한 1%s 를(을) 선택", "허가") shows anywhere.
(b) Raw codes: no visible text holds, as a whole token, a permission key
(`customer:view`, apps.authz.catalogue) or an audit action code (apps.audit.labels).
Every action the code base writes has a label (an AST scan of apps/ finds them)."""

from __future__ import annotations

import ast
import csv
import io
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
import unfold
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse as django_reverse
from django.utils import translation

from apps.core.admin_sites import ops_admin, tenant_admin
from apps.site.tests.test_admin_pages import URLCONFS
from tests.plugin import PASSWORD, ROOT, client_for, hq_client
from tests.test_i18n import BLOCK, SAME_IN_KOREAN, TEMPLATE_TAG, _messages_in_python

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LETTERS = re.compile(r"[A-Za-z]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
SEPARATORS = re.compile(r" (?:·|\||/|—) ")
PUNCTUATION = " \t:;.,…*()[]→←↗|-–—!?#"
CODE_LIKE = re.compile(r"^[a-z][a-z0-9_-]*$")  # "plan", "teacher", "false": a key or value, never a label
SKIPPED_TAGS = {"script", "style", "template", "textarea", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# English the demo typed as data that equals a UI string: a tag of acme's named "English".
DEMO_DATA = {"english"}

SUPER_EMAIL = "labels-super@platform.test"
SUPER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


# --- What the page shows --------------------------------------------------------------


class VisibleText(HTMLParser):
    """The texts a person reads on a page (see the module's docstring)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        hidden = (self._hidden() or tag in SKIPPED_TAGS or "material-symbols-outlined" in classes
                  or "highlight" in classes  # a JSON field's document, shown as stored
                  or (tag == "form" and "/i18n/" in (attrs.get("action") or "")))  # the language switch
        if not hidden:
            self.texts += [attrs[name] for name in ATTRIBUTES if attrs.get(name)]
            if tag in ("input", "button") and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _hidden in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def _norm(text: str) -> str:
    return " ".join(text.split()).strip(PUNCTUATION).casefold()


def _parts(text: str) -> list[tuple[str, str]]:
    """The text and its parts, each as shown (stripped) and normalised."""
    shown = (" ".join(part.split()).strip(PUNCTUATION) for part in [text, *SEPARATORS.split(text)])
    return [(part, _norm(part)) for part in dict.fromkeys(shown) if part]


# --- The English UI strings -----------------------------------------------------------


def _po_entries(path: Path):
    """(msgid, msgstr) of a .po file (the singular of plural entries; obsolete ones left out)."""
    entry: dict[str, str] = {}
    field = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if "msgid" in entry:
                yield entry["msgid"], entry.get("msgstr", entry.get("msgstr[0]", ""))
            if not line:
                entry, field = {}, None
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if match:
            field = match.group(1)
            entry[field] = _unescape(match.group(2))
        elif line.startswith('"') and field:
            entry[field] += _unescape(line[1:-1])
    # (the final "" line flushed the last entry)


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def _catalogs() -> list[Path]:
    """Every Korean catalog a page may draw from: ours, Django's, the installed apps'."""
    paths = [ROOT / "locale/ko/LC_MESSAGES/django.po", *ROOT.glob("apps/*/locale/ko/LC_MESSAGES/django.po"),
             Path(django.__file__).parent / "conf/locale/ko/LC_MESSAGES/django.po"]
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            paths.append(Path(config.path) / "locale/ko/LC_MESSAGES/django.po")
    return [path for path in dict.fromkeys(paths) if path.exists()]


def _unfold_messages():
    """django-unfold's strings (no Korean catalog ships with it: ours has the ones it shows)."""
    base = Path(unfold.__file__).parent
    for path in base.rglob("*.py"):
        for message, _context in _messages_in_python(path):
            yield message
    for path in base.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        yield from (match.group(2) for match in TEMPLATE_TAG.finditer(text))
        for match in BLOCK.finditer(text):
            yield " ".join(match.group("body").split())


def _model_names():
    """Model, field and choice names as they read in Korean, where they hold no Hangul."""
    with translation.override("ko"):
        for model in apps.get_models():
            names = [model._meta.verbose_name, model._meta.verbose_name_plural]
            ours = model.__module__.startswith("apps.")
            for field in model._meta.get_fields():
                if getattr(field, "auto_created", False) and not getattr(field, "concrete", False):
                    continue
                names.append(getattr(field, "verbose_name", ""))
                if ours:  # (others' choices are data: time zones, intervals)
                    names += [label for _value, label in (getattr(field, "flatchoices", None) or [])]
            for name in names:
                text = str(name or "")
                if text and not HANGUL.search(text):
                    yield text


def _column_labels():
    """The headings Django makes for the admins' list columns, as they read in Korean, where
    they hold no Hangul ("subscription__plan" reads "Subscription plan")."""
    from django.contrib.admin.utils import label_for_field

    with translation.override("ko"):
        for site in (ops_admin, tenant_admin):
            for model, model_admin in site._registry.items():
                for name in model_admin.list_display:
                    if isinstance(name, str) and name != "action_checkbox":
                        label = str(label_for_field(name, model, model_admin))
                        if label and not HANGUL.search(label):
                            yield label


def _usable(msgid: str) -> bool:
    """Worth looking for: some English words of its own (two, around placeholders: "%s of
    %s" would match any "Isle of Man")."""
    words = len(re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub(" ", msgid)))
    return "<" not in msgid and words >= (2 if PLACEHOLDER.search(msgid) else 1)


@lru_cache(maxsize=1)
def english_ui_strings() -> tuple[frozenset[str], re.Pattern | None, dict[str, str]]:
    """(exact strings, one pattern for those with placeholders, where each came from)."""
    same, source = {_norm(s) for s in SAME_IN_KOREAN}, {}
    for path in _catalogs():
        for msgid, msgstr in _po_entries(path):
            if msgid and msgstr and _norm(msgid) == _norm(msgstr):
                same.add(_norm(msgid))  # reads the same in Korean ("API", "CSV")
            if msgid:
                source.setdefault(msgid, str(path))
    for message in _unfold_messages():
        source.setdefault(message, "django-unfold")
    for name in _model_names():
        source.setdefault(name, "a model or field name")
    for label in _column_labels():
        source.setdefault(label, "a list column's heading")
    exact, patterns, origin = set(), [], {}
    for msgid, where in source.items():
        if not _usable(msgid) or _norm(msgid) in same:
            continue
        if PLACEHOLDER.search(msgid):
            pieces = PLACEHOLDER.split(" ".join(msgid.split()).strip(PUNCTUATION))
            patterns.append(".+".join(re.escape(piece.casefold()) for piece in pieces))
        else:
            exact.add(_norm(msgid))
        origin.setdefault(_norm(msgid), where)
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.S) if patterns else None
    return frozenset(exact), pattern, origin


@lru_cache(maxsize=1)
def overridden_django_strings() -> re.Pattern:
    """Django's Korean for the msgids locale/ko corrects ("보기위한 1%s 를(을) 선택")."""
    ours = dict(_po_entries(ROOT / "locale/ko/LC_MESSAGES/django.po"))
    wrong = []
    for path in (Path(django.__file__).parent / "contrib").glob("*/locale/ko/LC_MESSAGES/django.po"):
        for msgid, msgstr in _po_entries(path):
            if msgid in ours and msgstr and ours[msgid] != msgstr:
                pieces = PLACEHOLDER.split(msgstr)
                wrong.append(".+".join(re.escape(piece) for piece in pieces))
    assert wrong, "locale/ko overrides Django's broken Korean strings"
    return re.compile("|".join(wrong))


# --- The codes ------------------------------------------------------------------------

CODE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
WRITERS = {"audit_record", "AuditEvent", "transition"}
WRAPPERS = {"_audit": 0, "_security_event": 0, "_security": 0, "_passed": 1}  # (action, ...) helpers of services
# Written through a variable part: the code base's two f-string actions, spelled out.
DYNAMIC = {"addon.request_approved", "addon.request_rejected"}


def written_actions() -> set[str]:
    """Every audit action code apps/ writes (to audit_record, directly or through the
    services' small helpers), found in the source."""
    found = set(DYNAMIC)
    for path in (ROOT / "apps").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            values = [k.value for k in node.keywords if k.arg == "action" and name in WRITERS | {"template_changed"}]
            if name in WRAPPERS and len(node.args) > WRAPPERS[name]:
                values.append(node.args[WRAPPERS[name]])
            for value in values:
                for leaf in (value.body, value.orelse) if isinstance(value, ast.IfExp) else (value,):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                        code = f"roletemplate.{leaf.value}" if name == "template_changed" else leaf.value
                        if CODE.match(code):
                            found.add(code)
    return found


@lru_cache(maxsize=1)
def code_pattern() -> re.Pattern:
    from apps.audit.labels import registered_actions
    from apps.authz import catalogue

    keys = sorted(catalogue.all_keys(), key=len, reverse=True)
    actions = sorted(registered_actions() | written_actions(), key=len, reverse=True)
    keys_alternatives, action_alternatives = "|".join(map(re.escape, keys)), "|".join(map(re.escape, actions))
    return re.compile(rf"(?<![\w:.-])(?:{keys_alternatives})(?![\w:-])|(?<![\w.])(?:{action_alternatives})(?![\w.])")


# --- The check ------------------------------------------------------------------------


def documents() -> set[str]:
    """Text stored as written for a customer, in the customer's language: invoice lines
    (acme's workspace is in English: its invoice reads "Starter plan, ... to ..."), and
    the workspaces' message templates (an English template's subject is English)."""
    from django_tenants.utils import schema_context

    from apps.billing.models import InvoiceLine
    from apps.core.schemas import schemas_with_table
    from apps.notifications.models import NotificationTemplate

    texts = set(InvoiceLine.objects.values_list("description", flat=True))
    for schema in schemas_with_table("notifications_notificationtemplate"):
        with schema_context(schema):
            texts |= set(NotificationTemplate.objects.values_list("subject", flat=True))
    return {_norm(text) for text in texts}


def offences(html: str, data: frozenset[str] = frozenset()) -> list[str]:
    """What a Korean page shows that breaks the rules, one line each (`data`: stored
    texts that pass as they are)."""
    exact, pattern, origin = english_ui_strings()
    wrong_korean, codes = overridden_django_strings(), code_pattern()
    found = []
    for text in visible_texts(html):
        if not LETTERS.search(text) and not HANGUL.search(text):
            continue
        match = codes.search(text)
        if match:
            found.append(f"raw code {match.group(0)!r} in {text!r}")
        parts = _parts(text)
        if any(wrong_korean.fullmatch(shown) for shown, _part in parts):
            found.append(f"Django's wrong Korean in {text!r}")
        for shown, part in parts:
            if part in DEMO_DATA or part in data or not LETTERS.search(part) or CODE_LIKE.match(shown):
                continue
            if part in exact:
                found.append(f"English {text!r} ({origin.get(part, '?')})")
                break
            if pattern is not None and pattern.fullmatch(part):
                found.append(f"English {text!r} (a msgid with placeholders)")
                break
    return list(dict.fromkeys(found))


def walk(client, paths: list[str]) -> dict[str, list[str]]:
    failures, data = {}, frozenset(documents())
    for path in dict.fromkeys(paths):
        response = client.get(path, follow=True)  # a single-row model's list opens its form
        assert response.status_code == 200 and "/login/" not in response.request["PATH_INFO"], path
        found = offences(response.content.decode(), data)
        if found:
            failures[path] = found
    return failures


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}\n    " + "\n    ".join(lines) for path, lines in failures.items())


def sidebar_links(client) -> list[str]:
    html = client.get("/admin/").content.decode()
    sidebar = html[html.index('id="nav-sidebar"'):]
    return [link for link in re.findall(r'href="(/admin/[^"#?]*)"', sidebar) if "logout" not in link]


# --- Fixtures -------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    from apps.inbound.models import InboundEvent

    call_command("seed_demo", stdout=io.StringIO())
    # a webhook the payment provider sent (the demo pays through the services directly)
    InboundEvent.objects.create(source="payments", event_id="evt_labels", event_type="payment.succeeded",
                                payload={"type": "payment.succeeded", "data": {"reference": "pay_labels"}},
                                status=InboundEvent.Status.PROCESSED)


@pytest.fixture
def hq_korean(demo):
    from allauth.mfa.totp.internal.auth import TOTP

    from apps.accounts.models import User

    user = User.objects.create_superuser(SUPER_EMAIL, PASSWORD, full_name="라벨 검사")
    TOTP.activate(user, SUPER_SECRET)
    client = hq_client(email=SUPER_EMAIL, secret=SUPER_SECRET)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    return client


@pytest.fixture
def owner_korean(demo):
    client = client_for("acme")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = client.post("/admin/login/?next=/admin/", {"username": "owner@acme.example.com",
                                                          "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


# --- Tests ----------------------------------------------------------------------------


@pytest.mark.django_db  # the rule's pattern reads the permission catalogue
def test_the_rule_catches_what_it_must_and_passes_data():
    """Known offenders fail, Korean labels and data pass."""
    page = ("<table><tr><td>auth.mfa_succeeded</td><td>Schema name</td><td>RECENT ACTIONS</td></tr>"
            "<tr><td>보기위한 1감사 이벤트 를(을) 선택</td><td><code>customer:view</code></td>"
            "<td>Select 감사 이벤트 to view</td></tr></table>")
    found = "\n".join(offences(page))
    for offender in ("auth.mfa_succeeded", "Schema name", "RECENT ACTIONS", "보기위한", "customer:view",
                     "Select 감사 이벤트 to view"):
        assert offender in found, offender
    fine = ("<table><tr><td>2단계 인증 통과</td><td>고객 · 보기</td><td>Alpha Academy</td><td>owner@alpha.test</td>"
            "<td><span class='material-symbols-outlined'>expand_more</span></td>"
            "<td><textarea>Select to view</textarea></td><td>Asia/Seoul</td><td>API</td></tr></table>"
            "<form action='/i18n/setlang/'><button>English</button></form>")
    assert offences(fine) == []


def test_every_written_audit_action_has_a_label():
    from apps.audit.labels import action_label, registered_actions

    written = written_actions()
    assert {"auth.mfa_succeeded", "tenant.suspended", "customer.created", "roletemplate.permissions_changed"} <= written
    unlabelled = sorted(written - registered_actions())
    assert not unlabelled, f"audit actions without a label (register them in the app's labels.py): {unlabelled}"
    with translation.override("ko"):
        assert action_label("auth.mfa_succeeded") == "2단계 인증 통과"
        english = [code for code in registered_actions() if not HANGUL.search(action_label(code))]
    assert not english, f"labels without Korean: {english}"


def test_permission_labels(db):
    from apps.authz import catalogue

    with translation.override("ko"):
        assert catalogue.label_of("customer:view") == "고객 · 보기"
        assert catalogue.label_of("admin:access") == "관리 화면 · 사용"
        english = [key for key in catalogue.all_keys() if not HANGUL.search(catalogue.label_of(key))]
    assert not english, f"permissions without a Korean label: {english}"
    with translation.override("en"):
        assert catalogue.label_of("customer:view") == "Customers · View"


def test_django_strings_locale_ko_corrects():
    with translation.override("ko"):
        assert translation.gettext("Select %s to view") % "감사 이벤트" == "볼 감사 이벤트 선택"
        assert translation.gettext("View %s") % "감사 이벤트" == "감사 이벤트 보기"
    assert settings.LOCALE_PATHS[0] == ROOT / "locale", "our catalog comes first"


def audit_csv_keeps_the_code_and_adds_the_label(hq_korean):
    response = hq_korean.get("/admin/audit/auditevent/export.csv?action=auth.mfa_succeeded")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert header[header.index("action") + 1] == "action_label"
    assert rows[1][header.index("action")] == "auth.mfa_succeeded"
    assert rows[1][header.index("action_label")] == "2단계 인증 통과"


def model_pages(site, client) -> list[str]:
    """Each registered model's pages for this client (as apps.site.tests.test_admin_pages
    enumerates them): list, add if allowed, the first row's change page and history; a
    model whose list is a page of its own (the owner's billing) is that page."""
    paths = []

    def reverse(name, args=None):
        return django_reverse(f"{site.name}:{name}", args=args, urlconf=URLCONFS[site.name])

    for model in site._registry:
        opts = model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{prefix}_changelist")
        response = client.get(changelist)
        if response.status_code == 403:  # a business module's page in another kind of workspace (a kitchen's here)
            continue
        if response.status_code == 302:  # a single-row model opens its form
            paths.append(response["Location"])
            continue
        paths.append(changelist)
        context = response.context or {}
        if "cl" not in context:
            continue
        if context.get("has_add_permission"):
            paths.append(reverse(f"{prefix}_add"))
        for row in list(context["cl"].result_list[:1]):
            paths += [reverse(f"{prefix}_change", args=[row.pk]), reverse(f"{prefix}_history", args=[row.pk])]
    return paths


def _site_pages(site, client) -> list[str]:
    return [*sidebar_links(client), *model_pages(site, client)]


def test_ops_portal_in_korean_shows_labels_not_english_or_codes(hq_korean):
    from apps.ops.actions import TENANT_ACTIONS
    from apps.tenants.models import Tenant

    client = hq_korean
    acme, hanbit = Tenant.objects.get(slug="acme"), Tenant.objects.get(slug="hanbit")
    paths = _site_pages(ops_admin, client)
    paths += ["/admin/", "/admin/onboarding/", "/admin/flags/flag/matrix/", "/admin/flags/flag/stale/",
              "/admin/password_change/", f"/admin/tenants/tenant/{acme.pk}/change/",
              f"/admin/tenants/tenant/{hanbit.pk}/onboarding/", "/admin/settlement/settlementrun/start/"]
    paths += [f"/admin/tenants/tenant/{acme.pk}/lifecycle/{action.key}/" for action in TENANT_ACTIONS
              if action.key in {"suspend", "delete", "change-plan", "resend-invite"}]
    assert len(paths) > 60
    failures = walk(client, paths)
    assert not failures, "Korean ops portal pages show English or codes:\n" + report(failures)
    # on the same demo (seed_demo takes ~15 s a run): the audit CSV
    audit_csv_keeps_the_code_and_adds_the_label(client)


def test_tenant_admin_in_korean_shows_labels_not_english_or_codes(owner_korean):
    client = owner_korean
    paths = _site_pages(tenant_admin, client)
    paths += ["/admin/", django_reverse("tenant_admin:rbac_role_matrix", urlconf=URLCONFS["tenant_admin"]),
              "/admin/crm/customer/import/", "/admin/password_change/"]
    assert len(paths) > 25
    failures = walk(client, paths)
    assert not failures, "Korean tenant admin pages show English or codes:\n" + report(failures)
    # on the same demo (seed_demo takes ~15 s a run): phone numbers
    phone_numbers_read_in_the_national_format(client)


def phone_numbers_read_in_the_national_format(owner_korean):
    html = owner_korean.get("/admin/crm/customer/?q=Emily").content.decode()
    assert "010-5678-9005" in html and "+821056789005" not in html
    from django_tenants.utils import schema_context

    from apps.crm.models import Customer

    with schema_context("acme"):
        customer = Customer.objects.get(name="Emily Park")
    assert str(customer.phone) == "+821056789005", "stored (and the API) as E.164"
    form = owner_korean.get(f"/admin/crm/customer/{customer.pk}/change/").content.decode()
    assert 'value="010-5678-9005"' in form
