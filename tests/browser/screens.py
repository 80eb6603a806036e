"""What the browser walks check on every screen they photograph: nothing scrolls
sideways, and no raw code (a status like `out_for_delivery`, a permission key) shows
where a person should read a label. Screenshots go to test-artifacts/<name>.png."""

from __future__ import annotations

import os
import re

from tests.plugin import ARTIFACTS

LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}

# The walks a browser test repeats: each language at each width. BROWSER_RUNS=two keeps
# the two that still cover each language and each width once (English on a desktop,
# Korean on a phone), about half the browser tests' time, for a quicker local run.
ALL_RUNS = [("en", 1280), ("ko", 1280), ("en", 390), ("ko", 390)]
RUNS = [("en", 1280), ("ko", 390)] if os.environ.get("BROWSER_RUNS") == "two" else ALL_RUNS
RUN_IDS = [f"{language}-{width}" for language, width in RUNS]

RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:(?:view|add|change|delete)\b")


def new_page(browser, language: str, viewport=1280):
    """A page in its own context, in `language` ("en", "ko"), at `viewport` (a width in
    VIEWPORTS, or a {"width", "height"})."""
    viewport = VIEWPORTS[viewport] if isinstance(viewport, int) else viewport
    page = browser.new_context(locale=LOCALES[language], viewport=viewport).new_page()
    page.set_default_timeout(15000)
    return page


def detail_action(page, path_end: str) -> None:
    """Click one of a change page's actions (Refund, Retry...): on a phone unfold folds
    them into its "…" menu, opened first."""
    link = page.locator(f"a[href$='{path_end}']")
    if not link.is_visible():
        page.click("div[x-data*='showActions'] .material-symbols-outlined:text-is('more_horiz')")
    link.click()


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


def open_tab(page, tab: str) -> None:
    """Open an admin change page's tab. On a phone unfold folds some tabs into its "more"
    menu, and moves them there by script after the page has drawn: look again if a link
    moved away. A folded entry can keep moving while the menu settles on a busy machine
    (Playwright would wait for a "stable" element in vain): it gets the click event
    itself, which is what the tab listens to."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    for _ in range(4):
        link = page.locator(f"#tabs-items a[href='#{tab}']")
        if link.is_visible():
            link.click()
            break
        page.click("#tabs-wrapper .material-symbols-outlined:has-text('more_horiz')")
        folded = page.locator(f"#tabs-dropdown a[href='#{tab}']")
        try:
            folded.wait_for(state="visible", timeout=3000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            continue
        folded.dispatch_event("click")
        break
    page.wait_for_selector(f"#{tab}-group", state="visible")
