"""The words the kitchen board and the rider page show, in the page's language, for the
browser script (it renders the feed): buttons by the step they take, timers, dialogs.
Placeholders are Python's %(name)s; the script fills them in."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import flow as F


def step_labels() -> dict[str, str]:
    """The button that moves a ticket to each status (a verb, not the status)."""
    return {
        F.ACCEPTED: pgettext("kitchen step", "Accept"),
        F.REJECTED: pgettext("kitchen step", "Reject"),
        F.COOKING: pgettext("kitchen step", "Start cooking"),
        F.READY: pgettext("kitchen step", "Mark ready"),
        F.PICKED_UP: pgettext("kitchen step", "Handed over"),
        F.OUT: pgettext("kitchen step", "Take out"),
        F.DELIVERED: pgettext("kitchen step", "Delivered"),
        F.CANCELLED: pgettext("kitchen step", "Cancel order"),
    }


def column_labels() -> dict[str, str]:
    return {
        F.PLACED: pgettext("kitchen board column", "New"),
        F.ACCEPTED: pgettext("kitchen board column", "Accepted"),
        F.COOKING: pgettext("kitchen board column", "Cooking"),
        F.READY: pgettext("kitchen board column", "Ready"),
        F.OUT: pgettext("kitchen board column", "Out for delivery"),
    }


def board_texts() -> dict[str, str]:
    return {
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "signed_out": _("You were signed out. Reload the page to sign in again."),
        "sound_off": _("Turn on sound"),
        "sound_on": _("Sound on"),
        "sound_tap": _("Tap to turn the sound back on"),
        "empty_column": _("Nothing here"),
        "no_orders": _("No open orders right now. New orders appear here by themselves."),
        "new_order": _("New order"),
        "waiting": _("Waiting %(time)s"),
        "accept_within": _("Accept within %(time)s"),
        "accept_overdue": _("Accept now: refunded automatically soon"),
        "ready_in": _("Ready in %(minutes)s min"),
        "ready_late": _("%(minutes)s min late"),
        "ready_for": _("Ready for %(minutes)s min"),
        "ready_now": _("Ready just now"),
        "on_the_road": _("On the road %(minutes)s min"),
        "left_now": _("Left just now"),
        "paid": _("Paid"),
        "unpaid": _("Not paid yet"),
        "due_in": _("Due in %(minutes)s min"),
        "due_late": _("%(minutes)s min past the estimate"),
        "rider": _("Rider: %(name)s"),
        "note": pgettext("order note", "Note"),
        "memo": _("Delivery memo"),
        "address": _("Address"),
        "call": _("Call %(phone)s"),
        "accept_title": _("Accept order #%(number)s"),
        "accept_question": _("Ready in how many minutes?"),
        "minutes_short": _("%(minutes)s min"),
        "usual": _("usual"),
        "other_minutes": _("Other (minutes)"),
        "accept": pgettext("kitchen step", "Accept"),
        "reject_title": _("Reject order #%(number)s"),
        "cancel_title": _("Cancel order #%(number)s"),
        "reason": _("Reason"),
        "reason_help": _("The customer reads this. They are refunded in full."),
        "reason_missing": _("Please give a reason."),
        "back": _("Back"),
        "confirm_reject": _("Reject and refund"),
        "confirm_cancel": _("Cancel and refund"),
        "failed": _("That did not work: %(message)s"),
        "sold_out_button": _("Sold out (%(count)s)"),
        "sold_out_help": _("Switch a dish off when the kitchen runs out; customers cannot order it until you "
                           "switch it back on."),
        "sold_out": _("Sold out"),
        "on_sale": _("On sale"),
        "no_menu": _("There are no menu items yet."),
        "paused_manual": _("Ordering is paused at %(branch)s: customers cannot order."),
        "paused_offline": _("Ordering paused itself at %(branch)s: no kitchen board was open during opening "
                            "hours. It resumes as soon as a kitchen board is open."),
        "taking_orders": _("%(branch)s is taking orders"),
        "pause": _("Pause ordering"),
        "resume": _("Resume ordering"),
        "pause_confirm": _("Stop taking orders at %(branch)s? Orders already in stay on the board."),
        "no_deliveries": _("No deliveries waiting. Orders ready to go appear here by themselves."),
    }
