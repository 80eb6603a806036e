"""The moves HQ makes on a settlement batch in the ops portal (confirm, record payout, hold,
release): their forms and what each one calls in the lifecycle services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from ..models import SettlementBatch
from ..services.lifecycle import BATCH_MACHINE, batch_confirm, batch_hold, batch_pay_out, batch_release

S = SettlementBatch.Status


class ConfirmForm(forms.Form):
    pass


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
                             help_text=_("Why the batch is held (a dispute, a chargeback): kept in its history."))


class PayoutForm(forms.Form):
    reference = forms.CharField(label=_("Payout reference"), max_length=100, widget=UnfoldAdminTextInputWidget,
                                help_text=_("The bank transfer's id, as the bank shows it."))


@dataclass(frozen=True)
class BatchMove:
    key: str
    title: Any
    permission: str  # the model permission the service checks too
    form: type[forms.Form]
    note: Any
    done: Any  # the message after it, with %(batch)s
    danger: bool = False

    def possible(self, batch: SettlementBatch) -> bool:
        if self.key == "release":
            return batch.status == S.HELD
        target = {"confirm": S.CONFIRMED, "payout": S.PAID_OUT, "hold": S.HELD}[self.key]
        return BATCH_MACHINE.can(batch.status, target)

    def call(self, batch: SettlementBatch, actor, data: dict) -> SettlementBatch:
        if self.key == "confirm":
            return batch_confirm(batch=batch, actor=actor)
        if self.key == "payout":
            return batch_pay_out(batch=batch, actor=actor, reference=data["reference"])
        if self.key == "hold":
            return batch_hold(batch=batch, actor=actor, reason=data["reason"])
        return batch_release(batch=batch, actor=actor)


MOVES = {move.key: move for move in [
    BatchMove("confirm", _("Confirm"), "settlement.confirm_settlementbatch", ConfirmForm,
              _("Confirming agrees with these numbers: the commission's tax invoice is recorded, and the batch can "
                "then be paid out."), _("Batch %(batch)s confirmed.")),
    BatchMove("payout", _("Record payout"), "settlement.payout_settlementbatch", PayoutForm,
              _("Record the bank transfer of the payout to the tenant. A paid-out batch is final."),
              _("Payout of batch %(batch)s recorded.")),
    BatchMove("hold", _("Hold"), "settlement.hold_settlementbatch", HoldForm,
              _("A held batch is neither confirmed nor paid out until it is released."),
              _("Batch %(batch)s held."), danger=True),
    BatchMove("release", _("Release"), "settlement.hold_settlementbatch", ConfirmForm,
              _("The batch goes back to where it was before the hold: confirmed if it had been, else a draft."),
              _("Batch %(batch)s released.")),
]}


# refusals about what the form holds (shown on it); any other sends the person back to the batch
FORM_ERRORS = {"reason_required", "settlement_payout_reference_required"}
