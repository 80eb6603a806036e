"""The Backups tab of a tenant's page in a real browser, as an HQ master: "Back up now"
(confirmed on its page; the backup waits for a worker, its progress bar shows), a finished
backup with "Restore…", the restore page refusing a wrong confirmation; at 1280 px and a
phone's 390 px, in English and Korean (screenshots test-artifacts/backups-*.png)."""

from pathlib import Path

import pytest

from tests.admin_pages import PORTAL_SECRET
from tests.browser.screens import no_raw_codes, open_tab, shoot
from tests.plugin import PASSWORD, browser_hq_login
from tests.test_backup_restore_portal import _remove_if_empty

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LOCALES = {"en": "en-US", "ko": "ko-KR"}


@pytest.fixture
def master(committed):
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from apps.accounts.models import User

    user = User.objects.create_user(committed.email("backups-master@platform.test"), PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="HQ_MASTER"))
    TOTP.activate(user, PORTAL_SECRET)
    return user


@pytest.fixture
def alpha_with_backup(committed, settings, tmp_path):
    from apps.backups.models import Backup, Restore
    from apps.backups.services import backup_create
    from apps.tenants.models import Tenant

    settings.BACKUP_ROOT = str(tmp_path)
    alpha = Tenant.objects.get(slug="alpha")
    done = backup_create(tenant=alpha)
    yield alpha, done
    Restore.objects.filter(tenant=alpha).delete()
    for backup in Backup.objects.filter(tenant=alpha):
        if backup.path:
            Path(backup.path).unlink(missing_ok=True)
            _remove_if_empty(Path(backup.path).parent, Path(backup.path).parent.parent)
        backup.delete()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_backups_tab(browser, live_server_url, master, alpha_with_backup, language):
    from apps.backups.models import Backup

    alpha, done = alpha_with_backup
    base = live_server_url.format(host="localhost")
    for size, viewport in VIEWPORTS.items():
        page = browser.new_context(locale=LOCALES[language], viewport=viewport).new_page()
        page.set_default_timeout(15000)
        browser_hq_login(page, live_server_url, email=master.email, secret=PORTAL_SECRET)
        page.goto(f"{base}/admin/tenants/tenant/{alpha.pk}/change/")
        open_tab(page, "backups")
        assert page.is_visible(f"#backup-list tr[data-backup='{done.pk}']")
        no_raw_codes(page, "#backups-group")
        shoot(page, f"backups-tab-{size}-{language}")

        if size == "desktop":  # "Back up now": its page, then the queued backup with its bar
            page.click("#backup-now")
            page.wait_for_selector("#backup-form")
            shoot(page, f"backups-confirm-{size}-{language}")
            page.click("#confirm")
            page.wait_for_selector("#tenant-backups[data-running]", state="attached")
            open_tab(page, "backups")
            asked = Backup.objects.filter(tenant=alpha, requested_by=master).latest("created_at")
            if asked.running:  # a worker another test started may have taken it already
                assert page.is_visible(f"[data-job-progress='backup-{asked.pk}']")
            else:
                assert page.is_visible(f"#backup-list tr[data-backup='{asked.pk}']")
            no_raw_codes(page, "#backups-group")
            shoot(page, f"backups-running-{size}-{language}")
            Backup.objects.filter(pk=asked.pk, status=Backup.Status.QUEUED).update(
                status=Backup.Status.FAILED, error="Stopped by the test.")

        page.goto(f"{base}/admin/tenants/tenant/{alpha.pk}/backups/{done.pk}/restore/")
        page.wait_for_selector("#restore-form")
        page.fill("input[name=confirmation]", "not-alpha")
        page.click("#confirm")
        page.wait_for_selector("#restore-errors")
        assert "alpha" not in page.inner_text("#restore-errors")  # the refusal, not an echo
        no_raw_codes(page, "#restore-page")
        shoot(page, f"backups-restore-{size}-{language}")
        page.context.close()
