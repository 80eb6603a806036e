"""Messages of the libraries we use that reach people through our API, given Korean in our
own catalogue: simplejwt's Korean is under `ko_KR`, which the `ko` locale does not read, and
DRF's Korean for a blank field leaves the English word "blank" in it. Listed here so that
`make messages` keeps them in locale/ko (our catalogue comes before the libraries' own)."""

from django.utils.translation import gettext_noop

LIBRARY_MESSAGES = [
    gettext_noop("This field may not be blank."),  # DRF
    gettext_noop("Malformed request."),  # DRF's ParseError (apps.core.errors puts the parser's words aside)
    gettext_noop("Given token not valid for any token type"),  # simplejwt
    gettext_noop("Token is invalid or expired"),  # simplejwt
]
