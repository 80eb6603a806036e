"""The ops portal's refusals (failed tasks: apps.ops.failed_tasks)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class FailedTaskNotRetryable(PlatformError):
    code = "failed_task_not_retryable"
    status = 409
    message = _("Only a failed task can be retried.")


class FailedTaskArgumentsGone(PlatformError):
    code = "failed_task_arguments_gone"
    status = 409
    message = _("This task's arguments were not kept (or can no longer be decrypted): it cannot be re-sent.")


class FailedTaskTenantGone(PlatformError):
    code = "failed_task_tenant_gone"
    status = 409
    message = _("The workspace this task ran in no longer exists.")


class FailedTaskNotSent(PlatformError):
    code = "failed_task_not_sent"
    status = 503
    message = _("The task could not be queued (the message broker did not answer). Try again later.")


class FailedTaskAlreadyDismissed(PlatformError):
    code = "failed_task_already_dismissed"
    status = 409
    message = _("This task was dismissed already.")
