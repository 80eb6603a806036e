"""CSV cells that a spreadsheet will show as text, never run as a formula (OWASP CSV
injection): a cell starting with = + - @, a tab or a carriage return gets a leading quote."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_PREFIXES else text
