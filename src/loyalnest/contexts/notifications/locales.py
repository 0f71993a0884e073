"""The 22 locales LoyalNest ships templates in, which are written right to left, and the
fallback a message follows to find its template."""

from __future__ import annotations

from collections.abc import Iterable

LOCALES: tuple[str, ...] = (
    "en", "es", "de", "ja", "fr", "pt", "ru", "it", "nl", "pl", "tr",
    "fa", "zh-CN", "vi", "id", "cs", "ar", "ko", "uk", "hu", "sv", "he",
)  # fmt: skip
RTL: frozenset[str] = frozenset({"ar", "he", "fa"})
FALLBACK = "en"


def normalize(tag: str | None) -> str | None:
    """A BCP 47 tag as we compare them: ``pt_br`` / ``PT-br`` -> ``pt-BR``, ``zh-cn`` ->
    ``zh-CN``; None for an empty or malformed one."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").split("-")
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    head = parts[0].lower()
    rest = [p.upper() if len(p) == 2 and p.isalpha() else p for p in parts[1:] if p]
    return "-".join([head, *rest])


def is_shipped(locale: str) -> bool:
    return locale in LOCALES


def shipped(tag: str | None) -> str | None:
    """The shipped locale that speaks ``tag``: itself, else its language (``de-AT`` ->
    ``de``, ``zh-cn`` -> ``zh-CN``); None for anything else (the caller falls back to
    ``en``). Anything malformed is None, so what comes back is always one of LOCALES."""
    if tag is None or len(tag) > 35:  # BCP 47 tags worth reading are short
        return None
    normalized = normalize(tag)
    if normalized is None:
        return None
    for candidate in (normalized, language(normalized)):
        if candidate in LOCALES:
            return candidate
    return None


def is_rtl(locale: str) -> bool:
    return language(locale) in RTL


def language(locale: str) -> str:
    return locale.split("-", 1)[0]


def fallback_chain(customer_locale: str | None, shop_locale: str | None) -> list[str]:
    """Where a message looks for its template, first match wins: the customer's locale
    (else the shop's), its language (``pt-BR`` -> ``pt``), the shop's default locale and
    its language, then ``en``. Duplicates dropped; every entry normalized."""
    chain: list[str] = []

    def add(tags: Iterable[str | None]) -> None:
        for tag in tags:
            tag = normalize(tag)
            if tag is None:
                continue
            for candidate in (tag, language(tag)):
                if candidate not in chain:
                    chain.append(candidate)

    shop = normalize(shop_locale)
    add([customer_locale or shop, shop, FALLBACK])
    return chain
