# ruff: noqa: E501, RUF001  (translation data: natural-language lines, non-Latin scripts)
"""The built-in segments' names in the 22 locales LoyalNest ships (the notifications
context's list), with the same fallback as messages and rewards: the locale itself, else
its language (``pt-BR`` -> ``pt``, ``de-AT`` -> ``de``), else English. The list and the
normalisation are copied, not imported: rules import no other context."""

from __future__ import annotations

from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS

LOCALES: tuple[str, ...] = (
    "en", "es", "de", "ja", "fr", "pt", "ru", "it", "nl", "pl", "tr",
    "fa", "zh-CN", "vi", "id", "cs", "ar", "ko", "uk", "hu", "sv", "he",
)  # fmt: skip
FALLBACK = "en"

# each locale's names, in this order (the issue's table's; the match order is SEGMENTS')
_NAME_ORDER: tuple[str, ...] = (
    "champions", "loyal", "potential_loyalist", "new_customers", "promising", "need_attention",
    "about_to_sleep", "at_risk", "cant_lose_them", "hibernating", "lost", "other",
)  # fmt: skip
_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Champions", "Loyal", "Potential Loyalist", "New Customers", "Promising", "Need Attention",
           "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost", "Other"),
    "es": ("Campeones", "Leales", "Potenciales leales", "Clientes nuevos", "Prometedores", "Necesitan atención",
           "A punto de dormir", "En riesgo", "No podemos perderlos", "Hibernando", "Perdidos", "Otros"),
    "de": ("Champions", "Treue Kunden", "Potenziell treue Kunden", "Neukunden", "Vielversprechend",
           "Brauchen Aufmerksamkeit", "Kurz vor dem Einschlafen", "Gefährdet", "Nicht verlieren",
           "Im Winterschlaf", "Verloren", "Sonstige"),
    "ja": ("チャンピオン", "ロイヤル顧客", "ロイヤル候補", "新規顧客", "有望顧客", "要注意",
           "休眠寸前", "離脱リスク", "失えない顧客", "休眠中", "離脱", "その他"),
    "fr": ("Champions", "Fidèles", "Fidèles potentiels", "Nouveaux clients", "Prometteurs", "À surveiller",
           "Sur le point de s'endormir", "À risque", "À ne pas perdre", "En hibernation", "Perdus", "Autres"),
    "pt": ("Campeões", "Fiéis", "Potenciais fiéis", "Novos clientes", "Promissores", "Precisam de atenção",
           "Prestes a adormecer", "Em risco", "Não podemos perder", "Hibernando", "Perdidos", "Outros"),
    "ru": ("Чемпионы", "Лояльные", "Потенциально лояльные", "Новые клиенты", "Перспективные",
           "Требуют внимания", "Засыпающие", "В зоне риска", "Нельзя потерять", "В спячке", "Потерянные",
           "Прочие"),
    "it": ("Campioni", "Fedeli", "Potenziali fedeli", "Nuovi clienti", "Promettenti", "Da seguire",
           "In procinto di addormentarsi", "A rischio", "Da non perdere", "In letargo", "Persi", "Altri"),
    "nl": ("Kampioenen", "Trouwe klanten", "Potentieel trouw", "Nieuwe klanten", "Veelbelovend",
           "Aandacht nodig", "Bijna inactief", "Risicogroep", "Niet kwijtraken", "Slapend", "Verloren",
           "Overig"),
    "pl": ("Mistrzowie", "Lojalni", "Potencjalnie lojalni", "Nowi klienci", "Obiecujący", "Wymagają uwagi",
           "Bliscy uśpienia", "Zagrożeni", "Nie możemy ich stracić", "Uśpieni", "Utraceni", "Pozostali"),
    "tr": ("Şampiyonlar", "Sadık müşteriler", "Potansiyel sadıklar", "Yeni müşteriler", "Umut vaat edenler",
           "İlgi bekleyenler", "Uykuya dalmak üzere", "Risk altında", "Kaybedilmemesi gerekenler",
           "Kış uykusunda", "Kaybedilenler", "Diğer"),
    "fa": ("قهرمانان", "وفادار", "وفادار بالقوه", "مشتریان جدید", "امیدوارکننده", "نیازمند توجه",
           "در آستانه خواب", "در معرض خطر", "نباید از دستشان داد", "در خواب زمستانی", "از دست رفته", "سایر"),
    "zh-CN": ("冠军客户", "忠诚客户", "潜在忠诚客户", "新客户", "有潜力客户", "需要关注",
              "即将沉睡", "有流失风险", "不能失去的客户", "休眠客户", "已流失", "其他"),
    "vi": ("Nhà vô địch", "Trung thành", "Có tiềm năng trung thành", "Khách hàng mới", "Đầy hứa hẹn",
           "Cần chú ý", "Sắp ngủ quên", "Có nguy cơ", "Không thể mất", "Ngủ đông", "Đã mất", "Khác"),
    "id": ("Juara", "Setia", "Calon pelanggan setia", "Pelanggan baru", "Menjanjikan", "Perlu perhatian",
           "Hampir tidur", "Berisiko", "Jangan sampai hilang", "Hibernasi", "Hilang", "Lainnya"),
    "cs": ("Šampioni", "Věrní", "Potenciálně věrní", "Noví zákazníci", "Slibní", "Vyžadují pozornost",
           "Před usnutím", "Ohrožení", "Nesmíme je ztratit", "Spící", "Ztracení", "Ostatní"),
    "ar": ("الأبطال", "الأوفياء", "أوفياء محتملون", "عملاء جدد", "واعدون", "بحاجة إلى اهتمام",
           "على وشك الخمول", "معرضون للخطر", "لا يمكن خسارتهم", "في سبات", "مفقودون", "أخرى"),
    "ko": ("챔피언", "충성 고객", "잠재 충성 고객", "신규 고객", "유망 고객", "관심 필요",
           "휴면 직전", "이탈 위험", "놓칠 수 없는 고객", "휴면 고객", "이탈 고객", "기타"),
    "uk": ("Чемпіони", "Лояльні", "Потенційно лояльні", "Нові клієнти", "Перспективні", "Потребують уваги",
           "Засинають", "Під загрозою", "Не можна втратити", "У сплячці", "Втрачені", "Інші"),
    "hu": ("Bajnokok", "Hűségesek", "Potenciálisan hűségesek", "Új vásárlók", "Ígéretesek",
           "Figyelmet igényelnek", "Elalvóban", "Veszélyeztetettek", "Nem veszíthetjük el őket", "Hibernált",
           "Elveszettek", "Egyéb"),
    "sv": ("Mästare", "Lojala", "Potentiellt lojala", "Nya kunder", "Lovande", "Behöver uppmärksamhet",
           "På väg att somna", "I riskzonen", "Får inte förloras", "I dvala", "Förlorade", "Övriga"),
    "he": ("אלופים", "נאמנים", "נאמנים פוטנציאליים", "לקוחות חדשים", "מבטיחים", "דורשים תשומת לב",
           "עומדים להירדם", "בסיכון", "אסור לאבד אותם", "בתרדמה", "אבודים", "אחר"),
}  # fmt: skip

assert sorted(_NAME_ORDER) == sorted(SEGMENTS), "every segment has its name, once"

SEGMENT_NAMES: dict[str, dict[str, str]] = {
    locale: dict(zip(_NAME_ORDER, names, strict=True)) for locale, names in _NAMES.items()
}


def shipped_locale(tag: str | None) -> str:
    """The shipped locale that speaks ``tag`` (itself, else its language), else English.
    ``pt_br``/``PT-br`` read as ``pt-BR``; anything malformed falls back."""
    if not tag or len(tag) > 35:
        return FALLBACK
    parts = tag.strip().replace("_", "-").split("-")
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return FALLBACK
    head = parts[0].lower()
    rest = [p.upper() if len(p) == 2 and p.isalpha() else p for p in parts[1:] if p]
    for candidate in ("-".join([head, *rest]), head):
        if candidate in SEGMENT_NAMES:
            return candidate
    return FALLBACK


def segment_name(slug: str, locale: str | None) -> str:
    """A built-in segment's name in ``locale`` (fallback above); ``KeyError`` for an
    unknown slug."""
    return SEGMENT_NAMES[shipped_locale(locale)][slug]
