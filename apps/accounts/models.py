import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin, _user_has_module_perms, _user_has_perm
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def normalize_email(self, email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One global identity per person, logging in by email on every host.

    What the person may do on a tenant host comes only from their membership and roles
    in that tenant; on the public host only from HQ groups (apps.accounts.backends).
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("HQ staff"), default=False,
                                   help_text=_("May log into the ops portal (with an HQ group)."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    failed_login_count = models.PositiveIntegerField(_("failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())

    # Superuser powers hold on the public host only: on a tenant host everything comes
    # from the membership and roles in that tenant (see PlatformBackend).
    def _superuser_here(self) -> bool:
        return self.is_active and self.is_superuser and connection.schema_name == settings.PUBLIC_SCHEMA_NAME

    def has_perm(self, perm, obj=None):
        if self._superuser_here():
            return True
        return _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label):
        if self._superuser_here():
            return True
        return _user_has_module_perms(self, app_label)


class Membership(models.Model):
    """Who belongs to which tenant, and as what. What they may do there is decided by
    roles inside the tenant's schema."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CUSTOMER = "customer", _("Customer")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REMOVED = "removed", _("Removed")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="memberships")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STAFF)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["tenant", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "tenant", "kind"], name="accounts_membership_unique")]
        indexes = [models.Index(fields=["tenant", "status"])]

    def __str__(self):
        return f"{self.user} @ {self.tenant.slug} ({self.kind})"


class TokenSession(models.Model):
    """One login with tokens on one device (apps.accounts.sessions): the chain of refresh
    tokens it rotates through (each refresh token carries the session's `sid`; simplejwt's
    OutstandingToken keeps each of them), and where it was last used from."""

    class EndReason(models.TextChoices):
        LOGOUT = "logout", _("Logged out")
        ENDED = "ended", _("Ended by the person")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        HQ = "hq", _("Ended by HQ")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="token_sessions")
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="+")
    refresh_jti = models.CharField(_("current refresh token"), max_length=255)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("token session")
        verbose_name_plural = _("token sessions")
        ordering = ["-last_used_at"]
        indexes = [models.Index(fields=["user", "tenant", "ended_at"])]

    def __str__(self):
        return f"{self.user} @ {self.tenant_id} ({self.public_id})"
