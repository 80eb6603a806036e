"""The admin sites' colours (django-unfold reads a palette of 11 shades, 50..950, per colour).

- The ops portal: the platform's own, neutral look (`ops_primary`, named in settings.UNFOLD_OPS).
- A tenant admin: the workspace's brand. `brand_theme` turns its primary colour into the
  palette per request (TenantPolicy.each_context) and picks the text colour that goes on
  the brand colour itself.

The contrast rule (WCAG 2.x, ratio >= 4.5 for normal text):
- a brand dark enough for white text on it is primary-600 exactly (unfold's button colour),
  the lighter and darker shades spread from it; a lighter brand keeps the shade nearest
  its lightness;
- unfold writes white text on primary-600 (buttons, the add link, active filters) and
  primary-600 text on white (links, the current page): 600 and the darker shades are
  darkened until white on them reaches 4.5; primary-500 (links in dark mode) is lightened
  until it reaches 4.5 on the dark background;
- on the exact brand colour (the workspace's initial when it has no logo) the text is white
  or near-black, whichever contrasts more.
The shades are built in OKLCH (perceptual lightness), with the brand's hue and chroma.
"""

from __future__ import annotations

import math
from functools import lru_cache

MIN_CONTRAST = 4.5
WHITE = "#ffffff"
DARK_TEXT = "#111827"
# unfold's dark background (base-900, oklch(21% .034 264.665)) as sRGB
DARK_BACKGROUND = "#101828"
# The platform's own colour (ops portal): a sober slate blue.
PLATFORM_PRIMARY = "#3f5f8a"

# Lightness of each shade (Tailwind's scale) and how much of the brand's chroma it keeps.
SHADES = {
    "50": (0.975, 0.10), "100": (0.94, 0.22), "200": (0.885, 0.42), "300": (0.81, 0.68),
    "400": (0.71, 0.90), "500": (0.625, 1.0), "600": (0.55, 1.0), "700": (0.49, 0.92),
    "800": (0.43, 0.82), "900": (0.38, 0.70), "950": (0.28, 0.55),
}
# Shades that carry white text, or are text on white (light mode).
ON_WHITE = ("600", "700", "800", "900", "950")


# --- colour maths --------------------------------------------------------------------


def _hex_to_rgb(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _rgb_to_hex(rgb) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _from_linear(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _rgb_to_oklch(rgb) -> tuple[float, float, float]:
    r, g, b = (_to_linear(c) for c in rgb)
    l_ = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    m_ = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    s_ = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    lightness = 0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_
    a = 1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_
    b2 = 0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_
    return lightness, math.hypot(a, b2), math.degrees(math.atan2(b2, a)) % 360


def _oklch_to_linear(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    a, b = chroma * math.cos(math.radians(hue)), chroma * math.sin(math.radians(hue))
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
            -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
            -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_)


def _oklch_to_hex(lightness: float, chroma: float, hue: float) -> str:
    """The colour, its chroma reduced until it fits in sRGB (hue and lightness kept)."""
    low, high = 0.0, chroma
    linear = _oklch_to_linear(lightness, chroma, hue)
    if any(c < -1e-4 or c > 1 + 1e-4 for c in linear):
        for _ in range(24):
            mid = (low + high) / 2
            if any(c < -1e-4 or c > 1 + 1e-4 for c in _oklch_to_linear(lightness, mid, hue)):
                high = mid
            else:
                low = mid
        linear = _oklch_to_linear(lightness, low, hue)
    return _rgb_to_hex(_from_linear(min(1.0, max(0.0, c))) for c in linear)


def relative_luminance(colour: str) -> float:
    r, g, b = (_to_linear(c) for c in _hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio of two hex colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or near-black text, whichever reads better on `background` (pure black or
    white when the near-black would fall under the minimum)."""
    best = max((WHITE, DARK_TEXT), key=lambda text: contrast_ratio(text, background))
    if contrast_ratio(best, background) >= MIN_CONTRAST:
        return best
    return max(("#000000", WHITE), key=lambda text: contrast_ratio(text, background))


# --- palettes ------------------------------------------------------------------------


def _shade_until(colour_lch, test, step: float) -> str:
    lightness, chroma, hue = colour_lch
    colour = _oklch_to_hex(lightness, chroma, hue)
    while not test(colour) and 0.0 < lightness < 1.0:
        lightness = min(1.0, max(0.0, lightness + step))
        colour = _oklch_to_hex(lightness, chroma, hue)
    return colour


@lru_cache(maxsize=256)
def _palette(brand: str) -> tuple[tuple[str, str], ...]:
    brand = brand.lower()
    lightness, chroma, hue = _rgb_to_oklch(_hex_to_rgb(brand))
    anchor_target = SHADES["600"][0]
    if contrast_ratio(WHITE, brand) >= MIN_CONTRAST:
        # Dark enough for white text: the brand is the button colour (600); the other
        # shades spread its lightness towards white and towards black.
        anchor = "600"

        def target(shade):
            wanted = SHADES[shade][0]
            if wanted >= anchor_target:
                return lightness + (wanted - anchor_target) * (1 - lightness) / (1 - anchor_target)
            return lightness * wanted / anchor_target
    else:
        # Too light for white text: it keeps the shade nearest its lightness, and the
        # shades that carry white text are darkened below.
        anchor = min(SHADES, key=lambda shade: abs(SHADES[shade][0] - lightness))

        def target(shade):
            return SHADES[shade][0]

    palette = {shade: brand if shade == anchor else _oklch_to_hex(target(shade), chroma * keep, hue)
               for shade, (_, keep) in SHADES.items()}
    for shade in ON_WHITE:  # white on it, or it on white, reads: darken
        lch = _rgb_to_oklch(_hex_to_rgb(palette[shade]))
        palette[shade] = _shade_until(lch, lambda c: contrast_ratio(WHITE, c) >= MIN_CONTRAST, -0.01)
    for shade in ("400", "500"):  # links in dark mode: lighten
        lch = _rgb_to_oklch(_hex_to_rgb(palette[shade]))
        palette[shade] = _shade_until(lch, lambda c: contrast_ratio(DARK_BACKGROUND, c) >= MIN_CONTRAST, 0.01)
    lighter = ["500", "400", "300", "200", "100", "50"]  # each shade lighter than the one after it
    for darker, shade in zip(lighter, lighter[1:], strict=False):
        floor = _rgb_to_oklch(_hex_to_rgb(palette[darker]))[0] + 0.03
        shade_l, shade_c, shade_h = _rgb_to_oklch(_hex_to_rgb(palette[shade]))
        if shade != anchor and shade_l < floor:
            palette[shade] = _oklch_to_hex(min(0.99, floor), shade_c, shade_h)
    return tuple(palette.items())


def primary_palette(brand: str) -> dict[str, str]:
    """unfold's primary palette (shade -> "#rrggbb") built around `brand` (see the module's rule)."""
    return dict(_palette(brand))


def brand_theme(primary: str) -> dict:
    """What a tenant admin's page needs for the workspace colour: unfold's primary palette,
    the exact colour and the text colour on it."""
    return {"palette": primary_palette(primary), "primary": primary.lower(), "on_primary": text_colour_on(primary)}


def initial_icon(initial: str, theme: dict) -> str:
    """A favicon for a workspace without a logo: its initial on its colour (a data: URL)."""
    from urllib.parse import quote

    from django.utils.html import escape

    svg = ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>"
           f"<rect width='32' height='32' rx='7' fill='{theme['primary']}'/>"
           "<text x='16' y='22.5' font-family='Inter,Arial,sans-serif' font-size='19' font-weight='700' "
           f"text-anchor='middle' fill='{theme['on_primary']}'>{escape(initial)}</text></svg>")
    return "data:image/svg+xml," + quote(svg)


def ops_primary(request=None) -> dict[str, str]:
    """The ops portal's primary palette (settings.UNFOLD_OPS["COLORS"]["primary"])."""
    return primary_palette(PLATFORM_PRIMARY)


def stylesheet(request=None) -> str:
    """The admin sites' own styles on top of unfold's (settings: UNFOLD_*["STYLES"])."""
    from django.templatetags.static import static

    return static("site/admin.css")


def favicon(request=None) -> str:
    """The platform's icon (the ops portal; a tenant admin shows the workspace's logo)."""
    from django.templatetags.static import static

    return static("favicon.svg")
