"""The templates LoyalNest ships for every message type, channel and locale, and the
per-locale words the layout needs (the points name, the footer, the unsubscribe label),
the one-click unsubscribe page's words (``unsubscribe_page``, and ``topics``: what each
customer message is about) and what earned points (``reasons``: the ``points_earned``
``reason``, made from its ``trigger`` when the message is rendered).

Each locale is one module (``en.py``, ``zh_cn.py``...) holding the *phrases* only: a
subject, the body paragraphs, a button label (and, when the button does not lead to the
shop, the url variable it leads to: ``button_url``) and the SMS text per type. The HTML and
plain-text shapes (greeting, code box, perks list, button) are built here once, so the 22
translations cannot drift apart in markup and a translator never touches a style
attribute. What comes out is an ordinary template draft, exactly what a merchant would
type into the editor; the rendering module checks and renders it like any override.

Phrase conventions in a locale module (the builder relies on them):
- a body item is a paragraph (a string, may contain ``<strong>``), a list of strings
  (a bulleted list), a ``(condition, paragraph)`` pair (the paragraph only when the
  variable ``condition`` is truthy), or a marker: ``@code`` (the highlighted code box),
  ``@perks`` (the tier's perks list), ``@balance`` (the common balance sentence);
- points counts use ``{{ n|points }}``, verb agreement uses ``plural(n, ...)``;
- Jinja string literals use single quotes.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from loyalnest.contexts.notifications import locales, registry
from loyalnest.contexts.notifications.locales import LOCALES

if TYPE_CHECKING:
    from loyalnest.contexts.notifications.rendering import Draft

__all__ = [
    "EARN_TRIGGERS",
    "default_draft",
    "earn_reason",
    "footer",
    "guest_footer",
    "module_name",
    "phrases",
    "points_name",
    "topic",
    "unsubscribe_label",
    "unsubscribe_page",
]

# what can earn points (earning's rules, and referral rewards): the ``trigger`` of a
# points_earned message; each locale's ``reasons`` words them ("order" with the order's
# number, "purchase" for an order without one); any other trigger reads as "custom"
EARN_TRIGGERS: tuple[str, ...] = ("order", "signup", "newsletter", "birthday", "review", "referral", "custom")
# the words of the unsubscribe page (``question`` and ``done`` hold {channel} and {topic})
UNSUBSCRIBE_PAGE_KEYS: tuple[str, ...] = (
    "title", "question", "button", "done_title", "done", "refused_title", "refused", "email", "sms", "any",
)  # fmt: skip

# Inline styles only: email clients drop <style> blocks. Symmetric (centered) so that the
# same markup reads right in the RTL locales, where the layout sets dir="rtl".
_CODE_LABEL_STYLE = "margin:24px 0 8px;text-align:center;font-size:14px;color:#555555;"
_CODE_STYLE = (
    "margin:0 auto 24px;padding:16px 24px;max-width:360px;border:2px dashed #888888;"
    "border-radius:8px;background:#f6f6f6;text-align:center;font-family:Menlo,Consolas,monospace;"
    "font-size:24px;font-weight:bold;letter-spacing:2px;color:#111111;"
)
_BUTTON_P_STYLE = "margin:32px 0 8px;text-align:center;"
# no padding of our own: the client's default list indent follows dir (ltr / rtl)
_LIST_STYLE = "margin:0 0 16px;"

_TAG = re.compile(r"</?strong>")


def module_name(locale: str) -> str:
    """The module holding ``locale``'s phrases: ``zh-CN`` -> ``zh_cn``."""
    return locale.replace("-", "_").lower()


@cache
def _module(locale: str) -> ModuleType | None:
    if locale not in LOCALES:
        return None
    return importlib.import_module(f"{__name__}.{module_name(locale)}")


def phrases(locale: str) -> dict[str, Any] | None:
    """The raw phrase table of a shipped locale (None for any other locale)."""
    module = _module(locale)
    if module is None:
        return None
    data: dict[str, Any] = module.PHRASES
    return data


def _require(locale: str) -> dict[str, Any]:
    data = phrases(locale)
    if data is None:
        raise KeyError(f"no shipped locale {locale!r}")
    return data


def points_name(locale: str) -> dict[str, str]:
    """CLDR plural category -> the word for "points" (every category the locale's rule
    uses, and ``other``). Unknown locales fall back to their language, then English, so
    the layout always gets a word."""
    for candidate in (locale, locale.split("-", 1)[0], "en"):
        data = phrases(candidate)
        if data is not None:
            return dict(data["points"])
    raise AssertionError("en is always shipped")  # pragma: no cover


def footer(locale: str) -> str:
    """The default footer line (plain text: the layout escapes it)."""
    data = phrases(locale) or _require("en")
    return str(data["footer"])


def guest_footer(locale: str) -> str:
    """The footer line of an email to someone who is not a member (a referral invite, a
    friend's welcome code): why they got it, and that nothing more follows unasked.
    Exact shipped locales, else English, as ``footer``."""
    data = phrases(locale) or _require("en")
    return str(data["footer_guest"])


def _nearest(locale: str) -> dict[str, Any]:
    """The phrases of ``locale``, else of its language, else English (``pt-BR`` -> ``pt``,
    ``xx`` -> ``en``)."""
    tag = locales.normalize(locale) or locales.FALLBACK
    for candidate in (tag, locales.language(tag)):
        data = phrases(candidate)
        if data is not None:
            return data
    return _require(locales.FALLBACK)


def unsubscribe_page(locale: str) -> dict[str, str]:
    """The one-click unsubscribe page's words (plain text: the page escapes them), for the
    locale, else its language, else English."""
    return dict(_nearest(locale)["unsubscribe_page"])


def topic(locale: str, type_name: str | None) -> str:
    """What messages of ``type_name`` are about, as the unsubscribe page says it ("the
    points you earn"); the page's "these messages" for a type without a topic."""
    data = _nearest(locale)
    found = data["topics"].get(type_name or "")
    return str(found or data["unsubscribe_page"]["any"])


def earn_reason(locale: str, trigger: str, order_number: str = "") -> str:
    """What earned points, in the locale's words (its language's, else English):
    ``order`` with the order's number ("Order #1042"; "Purchase" without one), the
    other ``EARN_TRIGGERS`` by name, anything else as a bonus."""
    reasons: dict[str, str] = _nearest(locale)["reasons"]
    if trigger == "order":
        return reasons["order"].replace("{number}", order_number) if order_number else reasons["purchase"]
    return reasons[trigger] if trigger in EARN_TRIGGERS else reasons["custom"]


def unsubscribe_label(locale: str) -> str:
    """The text of the unsubscribe link the layout adds to every email."""
    data = phrases(locale) or _require("en")
    return str(data["unsubscribe"])


def default_draft(type_name: str, channel: str, locale: str) -> Draft | None:
    """The shipped template for exactly this type, channel and locale; None when the type
    is unknown, does not use the channel, or the locale is not shipped (the caller walks
    the fallback chain)."""
    fields = _draft_fields(type_name, channel, locale)
    if fields is None:
        return None
    # imported here: rendering imports this package for the layout's words
    from loyalnest.contexts.notifications.rendering import Draft

    return Draft(subject=fields[0], html=fields[1], text=fields[2])


@cache
def _draft_fields(type_name: str, channel: str, locale: str) -> tuple[str | None, str | None, str] | None:
    message_type = registry.TYPES.get(type_name)
    data = phrases(locale)
    if message_type is None or data is None or channel not in message_type.channels:
        return None
    entry: dict[str, Any] = data["types"][type_name]
    if channel == "sms":
        return None, None, str(entry["sms"])
    return str(entry["subject"]), _html(message_type, data, entry), _text(message_type, data, entry)


def _button(
    message_type: registry.MessageType, data: dict[str, Any], entry: dict[str, Any]
) -> tuple[str, str]:
    """(label, url variable): customers go to the shop, staff to the dashboard, unless
    ``button_url`` says where (an invite's button is the referral link, a privacy export's
    its download)."""
    if message_type.audience == "customer":
        return entry.get("button", data["shop_button"]), entry.get("button_url", "shop_url")
    return entry.get("button", data["dashboard_button"]), entry.get("button_url", "dashboard_url")


def _hello(message_type: registry.MessageType, data: dict[str, Any]) -> str:
    return str(data["hello"] if message_type.audience == "customer" else data["hello_staff"])


def _html(message_type: registry.MessageType, data: dict[str, Any], entry: dict[str, Any]) -> str:
    parts = [f"<p>{_hello(message_type, data)}</p>"]
    for item in entry["body"]:
        if isinstance(item, list):
            items = "".join(f"<li>{line}</li>" for line in item)
            parts.append(f'<ul style="{_LIST_STYLE}">{items}</ul>')
        elif isinstance(item, tuple):
            condition, paragraph = item
            parts.append(f"{{% if {condition} %}}<p>{paragraph}</p>{{% endif %}}")
        elif item == "@code":
            parts.append(
                f'<p style="{_CODE_LABEL_STYLE}">{data["code_label"]}</p>'
                # dir="ltr": a code reads left to right inside a right-to-left message too
                f'<div dir="ltr" style="{_CODE_STYLE}">{{{{ code }}}}</div>'
            )
        elif item == "@perks":
            parts.append(
                f"{{% if perks %}}<p>{entry['perks_intro']}</p>"
                f'<ul style="{_LIST_STYLE}">'
                "{% for perk in perks %}<li>{{ perk }}</li>{% endfor %}</ul>"
                "{% endif %}"
            )
        elif item == "@balance":
            parts.append(f"<p>{data['balance']}</p>")
        else:
            parts.append(f"<p>{item}</p>")
    label, url = _button(message_type, data, entry)
    parts.append(
        # class "ln-button": the layout styles it in the shop's primary colour
        f'<p style="{_BUTTON_P_STYLE}"><a href="{{{{ {url} }}}}" class="ln-button">{label}</a></p>'
    )
    return "\n".join(parts) + "\n"


def _text(message_type: registry.MessageType, data: dict[str, Any], entry: dict[str, Any]) -> str:
    # Blocks are separated by one blank line; a conditional block carries its own
    # separator so that a false condition leaves no double gap.
    out = [_hello(message_type, data) + "\n\n"]
    for item in entry["body"]:
        if isinstance(item, list):
            out.append("".join(f"- {_plain(line)}\n" for line in item) + "\n")
        elif isinstance(item, tuple):
            condition, paragraph = item
            out.append(f"{{% if {condition} %}}{_plain(paragraph)}\n\n{{% endif %}}")
        elif item == "@code":
            out.append(f"{data['code_label']}: {{{{ code }}}}\n\n")
        elif item == "@perks":
            out.append(
                f"{{% if perks %}}{_plain(entry['perks_intro'])}\n"
                "{% for perk in perks %}- {{ perk }}\n{% endfor %}\n{% endif %}"
            )
        elif item == "@balance":
            out.append(_plain(data["balance"]) + "\n\n")
        else:
            out.append(_plain(item) + "\n\n")
    label, url = _button(message_type, data, entry)
    out.append(f"{_plain(label)}: {{{{ {url} }}}}\n")
    return "".join(out)


def _plain(fragment: str) -> str:
    return _TAG.sub("", fragment)
