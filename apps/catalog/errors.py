"""Catalog's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class OutOfStock(PlatformError):
    """`details`: item (id), name, left (units still in stock)."""

    code = "out_of_stock"
    status = 409
    message = _("This item is out of stock.")


class OptionChoicesInvalid(PlatformError):
    """An option group's required / minimum / maximum do not fit together; `details` has
    the messages per field (required, min_choices, max_choices)."""

    code = "option_choices_invalid"
    status = 400
    message = _("The minimum and maximum number of choices do not fit together.")


class TranslationInvalid(PlatformError):
    """`details`: {"translations": [messages]}."""

    code = "translation_invalid"
    status = 400
    message = _("Translations are given per language for the name and the description only.")


class BranchesInvalid(PlatformError):
    """`details`: {"branches": [message], "unknown": [ids]}."""

    code = "item_branches_invalid"
    status = 400
    message = _("Some of these branches do not exist or are closed.")


class ImageInvalid(PlatformError):
    code = "image_invalid"
    status = 400
    message = _("The image must be a JPEG, PNG or WebP file.")


class ImageTooLarge(PlatformError):
    """`details`: size and limit in bytes."""

    code = "image_too_large"
    status = 400
    message = _("The image is larger than 5 MB.")


class OptionNotOnItem(PlatformError):
    """An update named an option group or option (by id) that the item does not have;
    `details`: option_groups / options (the ids)."""

    code = "option_not_on_item"
    status = 400
    message = _("This option group or option does not belong to the item.")


class ImageLimitReached(PlatformError):
    """`details`: limit."""

    code = "item_image_limit"
    status = 409
    message = _("An item has at most 10 images; remove one first.")
