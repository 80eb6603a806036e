"""The composition root: the one app that may import every other, and that none imports.

It owns what spans apps and belongs to no single one of them:
- the admin sites' cross-app wiring (`admin_sites`): who enters the ops portal (HQ groups
  of apps.accounts, TOTP from apps.accounts.mfa) and what it shows first (the ops
  dashboard and onboarding board of apps.ops); who enters a tenant's admin (the
  `rbac.access_admin` permission) and its branding (apps.workspace). The generic sites
  live in apps.core.admin_sites, where every app registers its ModelAdmins; this app
  installs their policies when the apps are ready;
- the home pages of the public host and of a tenant host (`views`);
- the development demo: `manage.py seed_demo` and `manage.py demo_totp`;
- workflows that span apps and have no lower home.
"""
