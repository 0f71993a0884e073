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
    "footer_guest": "Tento e-mail dostáváte, protože vaše adresa byla zadána do doporučovacího programu "
    "tohoto obchodu. Další e-maily vám pošleme, jen když o ně požádáte.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Odhlášení",
        "question": "Už nechcete dostávat {channel} na toto téma: {topic}?",
        "button": "Odhlásit se",
        "done_title": "Odhlášení proběhlo",
        "done": "Už vám nebudeme posílat {channel} na toto téma: {topic}.",
        "refused_title": "Tento odkaz nefunguje",
        "refused": "Odkaz pro odhlášení není platný (mohl být změněn nebo nahrazen "
        "novějším). Použijte odkaz z nedávné zprávy, nebo si nastavení upravte "
        "ve svém účtu.",
        "email": "e-maily",
        "sms": "SMS",
        "any": "tyto zprávy",
    },
    "topics": {
        "nudge": "novinky a nabídky obchodu",
        "points_earned": "získané body",
        "points_expiring": "body, kterým brzy vyprší platnost",
        "reward_issued": "kódy odměn",
        "reward_code_expiring": "kódy odměn, které brzy vyprší",
        "points_returned": "vrácené body",
        "tier_changed": "změny VIP úrovně",
        "birthday": "přání k narozeninám",
        "referral_invite": "pozvánky od přátel",
        "referral_friend_code": "uvítací kód",
        "referral_rewarded": "odměny za doporučení",
        "privacy_request_confirm": "potvrzení vašich žádostí o ochranu osobních údajů",
        "privacy_export_ready": "kopie vašich údajů",
    },
    "reasons": {
        "order": "Objednávka č. {number}",
        "purchase": "Nákup",
        "signup": "Registrace",
        "newsletter": "Přihlášení k newsletteru",
        "birthday": "Narozeniny",
        "review": "Recenze",
        "referral": "Odměna za doporučení",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — od {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
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
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} vás zve do obchodu "
            "{{ shop_name }}{% else %}Máte pozvánku do obchodu {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> vám doporučuje "
                "obchod {{ shop_name }} a zve vás k nákupu.{% else %}Někdo, kdo vás zná, vám doporučuje "
                "obchod {{ shop_name }} a zve vás k nákupu.{% endif %}",
                "Vaše uvítací nabídka: <strong>{{ offer }}</strong>.",
                "Uplatní se automaticky, když nakoupíte přes odkaz níže.",
            ],
            "button": "Získat nabídku",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} vás zve{% else %}"
            "máte pozvánku{% endif %}. Nabídka: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Váš uvítací kód do obchodu {{ shop_name }}",
            "body": [
                "Vítejte v obchodě {{ shop_name }}! Vaše nabídka: <strong>{{ offer }}</strong>.",
                "@code",
                "Zadejte tento kód v pokladně do {{ expires_at|datetime }}. Platí pro jednu objednávku.",
            ],
            "button": "Začít nakupovat",
            "sms": "{{ shop_name }}: váš uvítací kód {{ code }} ({{ offer }}) platí do {{ expires_at|date }}"
            ".",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Za doporučení jsme vám připsali {{ points|points }}{% else %}Vaše "
            "odměna za doporučení je tady{% endif %}",
            "body": [
                "{% if friend_first_name %}Na vaše doporučení u nás poprvé nakupuje <strong>"
                "{{ friend_first_name }}</strong>.{% else %}Na vaše doporučení přišla do obchodu "
                "{{ shop_name }} první objednávka.{% endif %} Děkujeme, že nás doporučujete!",
                "{% if points %}Připsali jsme vám <strong>{{ points|points }}</strong>.{% else %}Vaše "
                "odměna: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Sdílejte svůj odkaz dál: každá první objednávka přes něj vám přinese další odměnu.",
            ],
            "sms": "{{ shop_name }}: za doporučení {% if points %}jsme vám připsali {{ points|points }}"
            "{% else %}vás čeká odměna {{ reward_title }}{% endif %}. Děkujeme!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Potvrďte výmaz svých údajů v obchodě "
            "{{ shop_name }}{% else %}Potvrďte žádost o kopii svých údajů{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Obdrželi jsme žádost o výmaz osobních "
                "údajů, které o vás obchod {{ shop_name }} uchovává.{% else %}Obdrželi jsme žádost o "
                "kopii osobních údajů, které o vás obchod {{ shop_name }} uchovává.{% endif %} "
                "Abychom měli jistotu, že pochází od vás, potvrďte ji prosím tlačítkem níže.",
                "{% if request_type == 'customer_redact' %}<strong>Upozornění:</strong> po potvrzení "
                "bude váš účet ve věrnostním programu zrušen a vaše body "
                "({{ points_forfeited|points }}) propadnou. <strong>Tuto akci nelze vrátit "
                "zpět.</strong>{% else %}Po potvrzení vám e-mailem pošleme odkaz ke stažení údajů, "
                "jakmile bude kopie připravena.{% endif %}",
                "Odkaz platí do {{ link_expires_at|datetime }}.",
                "Pokud jste o nic nežádali, tento e-mail ignorujte: nic se nestane.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Potvrdit výmaz{% else %}Potvrdit "
            "žádost{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Vaše údaje z obchodu {{ shop_name }} jsou připraveny ke stažení",
            "body": [
                "Kopie vašich osobních údajů, o kterou jste obchod {{ shop_name }} požádali, je připravena.",
                "Stáhnout ji můžete do {{ expires_at|datetime }}. Poté budou odkaz i kopie smazány.",
                "Soubor obsahuje vaše osobní údaje: uložte si ho na bezpečné místo.",
            ],
            "button": "Stáhnout moje údaje",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: export údajů k žádosti č. {{ request_number }} je připraven",
            "body": [
                "Žádost zákazníka o jeho údaje byla vyřízena: export je připraven ke stažení a "
                "předání zákazníkovi.",
                [
                    "Žádost: <strong>č. {{ request_number }}</strong>",
                    "ID zákazníka v Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Přijato {% if source == 'storefront' %}přímo od zákazníka ve vašem widgetu "
                    "věrnostního programu{% else %}přes Shopify (žádost zákazníka o údaje){% endif %}",
                    "K dispozici do: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Poté budou odkaz i export smazány.",
            ],
            "button": "Stáhnout export",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: žádost o ochranu údajů č. {{ request_number }} je po termínu",
            "body": [
                "Žádost o ochranu osobních údajů <strong>č. {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}výmaz údajů "
                "zákazníka{% elif request_type == 'shop_redact' %}výmaz údajů vašeho "
                "obchodu{% else %}žádost zákazníka o jeho údaje{% endif %}) nebyla vyřízena v "
                "zákonné lhůtě, která uplynula {{ due_at|datetime }}.",
                "Zkontrolujte ji prosím v LoyalNest: žádost se tam zobrazuje a můžete ji zkusit "
                "zpracovat znovu.",
            ],
        },
    },
}
