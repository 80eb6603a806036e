"""What the browser walks check on every screen they photograph: nothing scrolls
sideways, and no raw code (a status like `out_for_delivery`, a permission key) shows
where a person should read a label. Screenshots go to test-artifacts/<name>.png."""

from __future__ import annotations

import re

from tests.plugin import ARTIFACTS

RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:(?:view|add|change|delete)\b")


def shoot(page, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_raw_codes(page, where: str = "#content", *, pattern: re.Pattern = RAW_CODE) -> str:
    """The text of `where`, after checking it shows no raw code (icon names excepted)."""
    text = page.inner_text(where)
    icons = set(page.eval_on_selector_all(
        f"{where} .material-symbols-outlined", "els => els.map(el => el.textContent.trim())"))
    found = sorted(set(pattern.findall(text)) - icons)
    assert not found, f"raw codes on {page.url}: {found}"
    return text
