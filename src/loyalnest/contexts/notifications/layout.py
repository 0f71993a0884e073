"""The email around a template's body: a complete HTML document in the message's
language and direction (``dir="rtl"`` and mirrored alignment for Arabic, Hebrew and
Persian), the shop's logo and primary colour, the footer for the locale and the
one-click unsubscribe link with its localized label; and the same footer for the
plain-text part.

Inline CSS only: Gmail and Outlook drop or mangle ``<style>`` blocks. Every value that
comes from the shop (footer, names, URLs) is escaped here; the body arrives already
rendered by the sandbox with autoescape on.

A body element can ask for the shop's colour by class, since templates do not see the
branding: ``class="ln-button"`` (a filled button in the primary colour, with a text
colour that stays readable on it) and ``class="ln-accent"`` (text in the primary
colour). The style is prepended to the element's own ``style`` attribute.

The words (footer, unsubscribe label, points name) come from the shipped defaults
(``defaults`` package), imported lazily: a missing module or locale falls back to
English, so an email always has a footer and a working unsubscribe link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from loyalnest.contexts.notifications import locales

if TYPE_CHECKING:
    from loyalnest.contexts.notifications.rendering import Branding

DEFAULT_PRIMARY_COLOR = "#2563EB"
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_SAFE_URL = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
# no \b: on str patterns it costs ~15 µs per email body; a space before is checked by hand
_CLASS_ATTR = re.compile(r'class="([^"]*)"')
_STYLE_ATTR = re.compile(r' style="([^"]*)"')

FALLBACK_FOOTER = "You receive this email because you are a member of {shop}'s rewards program."
FALLBACK_UNSUBSCRIBE = "Unsubscribe"
_FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Noto Sans','Helvetica Neue',Arial,sans-serif"


def is_valid_color(value: str | None) -> bool:
    """``#RRGGBB``, the only colour form every email client renders the same."""
    return value is not None and _COLOR.fullmatch(value) is not None


def primary_color(value: str | None) -> str:
    """The shop's colour when it is a valid ``#RRGGBB``, else the default one."""
    return value.upper() if value is not None and is_valid_color(value) else DEFAULT_PRIMARY_COLOR


@lru_cache(maxsize=64)
def text_on(color: str) -> str:
    """Black or white, whichever reads better on ``color`` (WCAG relative luminance)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(color[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # contrast against white (1.05 / (L + 0.05)) vs against black ((L + 0.05) / 0.05)
    return "#FFFFFF" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 else "#111111"


def readable_on_white(color: str) -> str:
    """``color`` for text on the white card, unless it is too light to read there (a
    gold or pastel brand colour): then a dark grey."""
    return color if text_on(color) == "#FFFFFF" else "#374151"


def safe_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) address (never ``javascript:`` or ``data:``)."""
    if value is None:
        return None
    value = value.strip()
    return value if _SAFE_URL.fullmatch(value) else None


# --- the words, from the shipped defaults when they exist ------------------------------


@lru_cache(maxsize=256)
def _candidates(locale: str) -> tuple[str, ...]:
    tag = locales.normalize(locale) or locales.FALLBACK
    return tuple(dict.fromkeys([tag, locales.language(tag)]))


def _defaults() -> Any:
    try:
        from loyalnest.contexts.notifications import defaults  # written beside us, in parallel
    except ImportError:
        return None
    return defaults


def _shipped(function_name: str, locale: str) -> Any:
    """``defaults.<function_name>(locale)`` for the first of the locale and its language
    that the defaults ship; None when the module, the function or the locale is missing."""
    module = _defaults()
    function = getattr(module, function_name, None)
    if function is None:
        return None
    # only shipped locales are asked: the defaults answer English for any other one,
    # which would hide the language step (pt-BR must find pt before en)
    for candidate in [*_candidates(locale), locales.FALLBACK]:
        if not locales.is_shipped(candidate):
            continue
        try:
            value = function(candidate)
        except (LookupError, ValueError, TypeError, ImportError, AttributeError):
            continue
        if value:
            return value
    return None


@lru_cache(maxsize=128)
def unsubscribe_label(locale: str) -> str:
    return str(_shipped("unsubscribe_label", locale) or FALLBACK_UNSUBSCRIBE)


@lru_cache(maxsize=128)
def default_footer(locale: str) -> str:
    return str(_shipped("footer", locale) or FALLBACK_FOOTER)


@lru_cache(maxsize=128)
def _default_points_name(locale: str) -> Mapping[str, str] | None:
    value = _shipped("points_name", locale)
    return dict(value) if isinstance(value, Mapping) else None


def _pick(mapping: Mapping[str, Any], locale: str) -> Any:
    for candidate in _candidates(locale):
        value = mapping.get(candidate)
        if value:
            return value
    return None


def points_name(branding: Branding, locale: str) -> Mapping[str, str] | None:
    """The shop's name for points in ``locale`` (or its language), else the shipped
    word; None lets the formatter use English."""
    own = _pick(branding.points_name, locale)
    if isinstance(own, Mapping) and own:
        return own
    return _default_points_name(locale)


def footer_text(branding: Branding, locale: str, shop_name: str) -> str:
    """The footer in plain text: the shop's own for the locale (or its language), else
    the shipped one; ``{shop}`` becomes the shop's name."""
    text = _pick(branding.footer, locale) or default_footer(locale)
    return str(text).replace("{shop}", shop_name)


# --- the document ------------------------------------------------------------------------


def _colorize(body: str, color: str) -> str:
    if "ln-button" not in body and "ln-accent" not in body:
        return body
    button = (
        f"background-color:{color};color:{text_on(color)};display:inline-block;padding:12px 28px;"
        "border-radius:6px;text-decoration:none;font-weight:bold;"
    )
    styles = {"ln-button": button, "ln-accent": f"color:{color};"}
    out: list[str] = []
    done = 0
    for match in _CLASS_ATTR.finditer(body):
        if not body[match.start() - 1].isspace():
            continue  # data-class="…", not the class attribute
        style = next((styles[c] for c in match.group(1).split() if c in styles), None)
        start, end = body.rfind("<", 0, match.start()), body.find(">", match.end())
        if style is None or start < done or end < 0:
            continue
        tag = body[start:end]
        existing = _STYLE_ATTR.search(tag)
        if existing is not None:
            tag = f"{tag[: existing.start(1)]}{style}{tag[existing.start(1) :]}"
        else:
            closing = "/" if tag.endswith("/") else ""
            tag = f'{tag[: len(tag) - len(closing)].rstrip()} style="{style}"{closing}'
        out.append(body[done:start])
        out.append(tag)
        done = end
    out.append(body[done:])
    return "".join(out)


def wrap(
    body: str,
    *,
    locale: str,
    subject: str,
    branding: Branding,
    shop_name: str,
    unsubscribe_url: str | None,
) -> str:
    """The complete HTML document around the rendered ``body``."""
    tag = _candidates(locale)[0]
    color = primary_color(branding.primary_color)
    head, middle, tail = _frame(
        tag, color, safe_url(branding.logo_url), shop_name, footer_text(branding, tag, shop_name)
    )
    link = safe_url(unsubscribe_url)
    unsubscribe = ""
    if link is not None:
        unsubscribe = (
            f'<p style="margin:8px 0 0 0;"><a href="{escape(link)}" '
            f'style="color:{readable_on_white(color)};text-decoration:underline;">'
            f"{escape(unsubscribe_label(tag))}</a></p>"
        )
    return f"{head}{escape(subject)}{middle}{_colorize(body, color)}{tail}{unsubscribe}{_END}"


_END = "\n</td></tr>\n</table>\n</td></tr></table>\n</body>\n</html>\n"


@lru_cache(maxsize=1024)
def _frame(tag: str, color: str, logo: str | None, shop_name: str, footer_text: str) -> tuple[str, str, str]:
    """The document up to the title, from the title to the body, and from the body to
    the unsubscribe link: the same for every message of a shop in one locale, so it is
    built once (an email costs a few string joins)."""
    direction, start, end = ("rtl", "right", "left") if locales.is_rtl(tag) else ("ltr", "left", "right")
    shop = escape(shop_name)
    if logo is not None:
        header = (
            f'<img src="{escape(logo)}" alt="{shop}" height="48" '
            'style="display:block;height:48px;width:auto;max-width:240px;border:0;outline:none;">'
        )
    else:
        header = (
            f'<span style="font-size:20px;font-weight:bold;color:{readable_on_white(color)};">{shop}</span>'
        )
    footer = str(escape(footer_text)).replace("\n", "<br>\n")
    # The start side has the wider gutter (the side a reader's eye returns to); written
    # as physical left/right and mirrored for right-to-left, because CSS logical
    # properties (padding-inline-start) are not understood by every email client.
    pad = f"padding-{start}:32px;padding-{end}:24px;text-align:{start};"
    head = (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(tag)}" dir="{direction}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        "<title>"
    )
    middle = (
        "</title>\n"
        "</head>\n"
        f'<body dir="{direction}" style="margin:0;padding:0;background-color:#F3F4F6;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background-color:#F3F4F6;"><tr><td align="center" style="padding:24px 8px;">\n'
        f'<table role="presentation" dir="{direction}" width="600" cellpadding="0" cellspacing="0" '
        'border="0" style="width:100%;max-width:600px;background-color:#FFFFFF;border-radius:8px;'
        f'border-top:4px solid {color};">\n'
        f'<tr><td align="{start}" style="padding-top:24px;padding-bottom:8px;{pad}">{header}</td></tr>\n'
        f'<tr><td dir="{direction}" style="padding-top:8px;padding-bottom:24px;{pad}'
        f'font-family:{_FONT};font-size:16px;line-height:1.5;color:#1F2937;">\n'
    )
    tail = (
        "\n</td></tr>\n"
        f'<tr><td dir="{direction}" style="padding-top:16px;padding-bottom:24px;{pad}'
        f"border-top:1px solid #E5E7EB;font-family:{_FONT};font-size:12px;line-height:1.5;"
        'color:#6B7280;">\n'
        f'<p style="margin:0;">{footer}</p>'
    )
    return head, middle, tail


def text_footer(branding: Branding, *, locale: str, shop_name: str, unsubscribe_url: str | None) -> str:
    """The footer of the plain-text part: a separator, the footer, the unsubscribe link."""
    lines = ["", "-- ", footer_text(branding, locale, shop_name)]
    link = safe_url(unsubscribe_url)
    if link is not None:
        lines.append(f"{unsubscribe_label(locale)}: {link}")
    return "\n".join(lines) + "\n"
