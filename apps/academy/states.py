"""The enrolment's statuses on the shared state machine (apps.core.states), every move
recorded in EnrolmentTransition (who, when, why):

    waitlisted -> offered -> pending_payment -> active <-> paused
         |            |             |              |
         +------------+-------------+--------------+-> withdrawn
"""

from __future__ import annotations

from apps.core.states import StateMachine

from .errors import IllegalEnrolmentMove
from .models import Enrolment, EnrolmentTransition

S = Enrolment.Status


def status_label(code: str) -> str:
    try:
        return str(S(code).label)
    except ValueError:
        return code


def _history(enrolment: Enrolment, move, actor, reason: str) -> None:
    EnrolmentTransition.objects.create(enrolment=enrolment, from_status=move.from_status, to_status=move.to_status,
                                       actor=actor, reason=reason or "")


ENROLMENT_MACHINE = StateMachine({
    S.WAITLISTED: {S.OFFERED, S.WITHDRAWN},
    S.OFFERED: {S.PENDING_PAYMENT, S.WITHDRAWN},
    S.PENDING_PAYMENT: {S.ACTIVE, S.WITHDRAWN},
    S.ACTIVE: {S.PAUSED, S.WITHDRAWN},
    S.PAUSED: {S.ACTIVE, S.WITHDRAWN},
    S.WITHDRAWN: set(),
}, label=status_label, illegal=IllegalEnrolmentMove, message=IllegalEnrolmentMove.message, history=_history)
