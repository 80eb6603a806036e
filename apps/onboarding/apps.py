from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "apps.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from . import labels  # the audit actions it writes, as people read them

        labels.register()
