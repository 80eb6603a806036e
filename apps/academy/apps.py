from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    """The academy module on the commerce core: students, classes and their sessions,
    enrolments (orders of kind `enrolment`), attendance, passes and tuition."""

    name = "apps.academy"
    label = "academy"
    verbose_name = _("Academy")

    def ready(self):
        from apps.events.subscribers import subscriber_register

        from . import labels  # the audit actions it writes, as people read them
        from .subscribers import handle_event, wants

        labels.register()
        # a paid enrolment order activates the enrolment; a cancelled unpaid one withdraws it
        subscriber_register("academy", handle_event, wants=wants)
