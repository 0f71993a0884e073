"""Czech (vy, the polite register Czech shops use)."""

# ruff: noqa: E501  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "bod", "few": "body", "many": "bodu", "other": "bodů"},
    "footer": "Tento e-mail dostáváte, protože jste členem věrnostního programu tohoto obchodu.",
    "unsubscribe": "Odhlásit odběr těchto e-mailů",
    "hello": "{% if customer_first_name %}Dobrý den, {{ customer_first_name }},{% else %}Dobrý den,{% endif %}",
    "hello_staff": "Dobrý den,",
    "balance": "Váš zůstatek je nyní <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Váš kód",
    "shop_button": "Přejít do {{ shop_name }}",
    "dashboard_button": "Otevřít LoyalNest",
    "types": {
        "points_earned": {
            "subject": "Připsali jsme vám {{ points|points }} v obchodě {{ shop_name }}",
            "body": [
                "Máme dobrou zprávu: právě jsme vám připsali <strong>{{ points|points }}</strong> "
                "({{ reason }}).",
                "@balance",
                "Děkujeme, že jste součástí našeho věrnostního programu!",
            ],
            "sms": "{{ shop_name }}: připsali jsme vám {{ points|points }} ({{ reason }}). "
            "Zůstatek: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Vaše body vyprší {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> z vašeho zůstatku v obchodě {{ shop_name }} "
                "vyprší dne {{ expires_on|date }}.",
                "Dopřejte si do té doby odměnu, ať nepropadnou.",
                "@balance",
            ],
            "button": "Vybrat odměnu",
            "sms": "{{ shop_name }}: {{ points|points }} vyprší {{ expires_on|date }}. Využijte je včas!",
        },
        "reward_issued": {
            "subject": "Vaše odměna je tady: {{ reward_title }}",
            "body": [
                "Užijte si odměnu od {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (v hodnotě {{ value|money }}){% endif %}.",
                "@code",
                "Zadejte tento kód v pokladně do {{ expires_at|datetime }}.",
                "Vyměnili jste za ni {{ points_spent|points }}.",
                "@balance",
            ],
            "button": "Nakupovat",
            "sms": "{{ shop_name }}: odměna {{ reward_title }} je připravena. Kód: {{ code }}, "
            "platí do {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Váš kód na {{ reward_title }} brzy vyprší",
            "body": [
                "Připomínáme: váš kód na <strong>{{ reward_title }}</strong> vyprší "
                "{{ expires_at|datetime }}.",
                "@code",
                "A pokud ho nestihnete využít, nevadí: body, které jste za něj vyměnili "
                "({{ points_spent|points }}), vám vrátíme na zůstatek.",
            ],
            "button": "Použít kód",
            "sms": "{{ shop_name }}: kód {{ code }} vyprší {{ expires_at|date }}. Když ho nevyužijete, "
            "vrátíme vám {{ points_spent|points }}.",
        },
        "points_returned": {
            "subject": "Vrátili jsme vám {{ points|points }}",
            "body": [
                "{% if reason == 'failed' %}Vaši odměnu <strong>{{ reward_title }}</strong> se nepodařilo "
                "dokončit, proto jsme vám vrátili {{ points|points }}. Omlouváme se!{% else %}Váš kód na "
                "<strong>{{ reward_title }}</strong> vypršel nevyužitý, proto jsme vám vrátili "
                "{{ points|points }}.{% endif %}",
                "@balance",
                "Můžete je použít na další odměnu.",
            ],
            "sms": "{{ shop_name }}: vrátili jsme vám {{ points|points }} "
            "{% if reason == 'failed' %}(odměnu se nepodařilo dokončit){% else %}(kód vypršel "
            "nevyužitý){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Vítejte v úrovni {{ tier_name }}!"
            "{% else %}Vaše úroveň VIP se změnila{% endif %}",
            "body": [
                "{% if direction == 'up' %}Gratulujeme: nyní máte v obchodě {{ shop_name }} úroveň "
                "<strong>{{ tier_name }}</strong>!{% elif tier_name %}Vaše úroveň VIP v obchodě "
                "{{ shop_name }} je nyní <strong>{{ tier_name }}</strong>.{% else %}Vaše úroveň "
                "{{ previous_tier_name }} v obchodě {{ shop_name }} skončila.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Děkujeme za vaši věrnost.{% else %}Sbírejte dál body a "
                "vraťte se výš: počítá se každá objednávka.{% endif %}",
            ],
            "perks_intro": "Vaše výhody:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}vítejte v úrovni {{ tier_name }}! "
            "Užijte si nové výhody.{% elif tier_name %}vaše úroveň VIP je nyní {{ tier_name }}."
            "{% else %}vaše úroveň VIP skončila.{% endif %}",
        },
        "birthday": {
            "subject": "Všechno nejlepší k narozeninám od {{ shop_name }}!",
            "body": [
                "Všechno nejlepší k narozeninám! Celý tým {{ shop_name }} vám přeje krásný den.",
                ("points", "Na oslavu jsme vám připsali <strong>{{ points|points }}</strong>."),
            ],
            "button": "Udělejte si radost",
            "sms": "Všechno nejlepší k narozeninám od {{ shop_name }}!{% if points %} Připsali jsme "
            "vám {{ points|points }}.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} na {{ used_percent|number }} %",
            "body": [
                "Váš obchod vyčerpal <strong>{{ used_percent|number }} %</strong> limitu {{ limit_name }}.",
                "Po dosažení limitu se některé operace mohou zpomalit nebo pozastavit, dokud se limit "
                "neobnoví. Podrobnosti najdete v LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Import zákazníků obchodu {{ shop_name }} je dokončen",
            "body": [
                "Import zákazníků je dokončen. Výsledek:",
                [
                    "Importovaní zákazníci: <strong>{{ customers_imported|number }}</strong>",
                    "Připsané body: <strong>{{ points_imported|number }}</strong>",
                    "Odmítnuté řádky: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "V LoyalNest zjistíte, proč byl každý řádek odmítnut."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: váš věrnostní program tento týden",
            "body": [
                "Takto si vedl váš věrnostní program v týdnu od {{ week_start|date }}:",
                [
                    "Získané body: <strong>{{ points_earned|number }}</strong>",
                    "Uplatněné body: <strong>{{ points_redeemed|number }}</strong>",
                    "Noví členové: <strong>{{ new_members|number }}</strong>",
                    "Vydané odměny: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Celý přehled najdete v LoyalNest.",
            ],
        },
    },
}
