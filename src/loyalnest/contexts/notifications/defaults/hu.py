"""Hungarian (te, the friendly register of Hungarian webshop newsletters). Phrasing avoids
suffixes and articles on variables (a/az, -ban/-ben, -án/-én depend on the value), so
dates and names stand after a colon or in the nominative."""

# ruff: noqa: E501, RUF001  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "pont", "other": "pont"},
    "footer": "Azért kapod ezt az e-mailt, mert tagja vagy az üzlet hűségprogramjának.",
    "unsubscribe": "Leiratkozás ezekről az e-mailekről",
    "hello": "{% if customer_first_name %}Kedves {{ customer_first_name }}!{% else %}Kedves Vásárlónk!{% endif %}",
    "hello_staff": "Üdvözlünk!",
    "balance": "Az egyenleged most: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "A kódod",
    "shop_button": "Irány az üzlet",
    "dashboard_button": "LoyalNest megnyitása",
    "footer_guest": "Azért kapod ezt az e-mailt, mert a címedet megadták az üzlet ajánlóprogramjában. Több "
    "e-mailt csak akkor küldünk, ha kéred.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Leiratkozás",
        "question": "Nem szeretnél több {channel} kapni ebben a témában: {topic}?",
        "button": "Leiratkozom",
        "done_title": "Leiratkoztál",
        "done": "Nem kapsz több {channel} ebben a témában: {topic}.",
        "refused_title": "Ez a link nem működik",
        "refused": "A leiratkozási link nem érvényes (lehet, hogy módosították, vagy egy "
        "újabb váltotta fel). Használd egy friss üzenet linkjét, vagy "
        "módosítsd a beállításaidat a fiókodban.",
        "email": "e-mailt",
        "sms": "SMS-t",
        "any": "ezek az üzenetek",
    },
    "topics": {
        "nudge": "a bolt hírei és ajánlatai",
        "points_earned": "a gyűjtött pontjaid",
        "points_expiring": "hamarosan lejáró pontok",
        "reward_issued": "a jutalomkódjaid",
        "reward_code_expiring": "hamarosan lejáró jutalomkódok",
        "points_returned": "visszakapott pontok",
        "tier_changed": "a VIP-szinted változásai",
        "birthday": "születésnapi köszöntések",
        "referral_invite": "a barátaid meghívásai",
        "referral_friend_code": "az üdvözlő kódod",
        "referral_rewarded": "jutalmak barátok ajánlásáért",
        "privacy_request_confirm": "az adatvédelmi kérelmeid megerősítése",
        "privacy_export_ready": "az adataid másolatai",
    },
    "reasons": {
        "order": "{number} számú rendelés",
        "purchase": "Vásárlás",
        "signup": "Regisztráció",
        "newsletter": "Hírlevél-feliratkozás",
        "birthday": "Születésnap",
        "review": "Értékelés",
        "referral": "Ajánlási jutalom",
        "custom": "Bónusz",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — {{ shop_name }} üzenete",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "{{ shop_name }}: {{ points|points }} jóváírva",
            "body": [
                "Jó hír: <strong>{{ points|points }}</strong> került az egyenlegedre ({{ reason }}).",
                "@balance",
                "Köszönjük, hogy a hűségprogramunk tagja vagy!",
            ],
            "sms": "{{ shop_name }}: {{ points|points }} jóváírva ({{ reason }}). "
            "Egyenleg: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Hamarosan lejárnak a pontjaid – lejárat: {{ expires_on|date }}",
            "body": [
                "Az egyenlegedből <strong>{{ points|points }}</strong> hamarosan lejár. "
                "Lejárat napja: {{ expires_on|date }}",
                "Válassz előtte egy jutalmat, hogy ne vesszenek kárba a pontjaid.",
                "@balance",
            ],
            "button": "Jutalom választása",
            "sms": "{{ shop_name }}: {{ points|points }} lejár, lejárat napja: {{ expires_on|date }} "
            "Váltsd be időben!",
        },
        "reward_issued": {
            "subject": "Itt a jutalmad: {{ reward_title }}",
            "body": [
                "Megérkezett a jutalmad: <strong>{{ reward_title }}</strong>"
                "{% if value %} ({{ value|money }} értékben){% endif %}.",
                "@code",
                "Add meg ezt a kódot a pénztárnál. Érvényes eddig: {{ expires_at|datetime }}",
                "Beváltott pontok: {{ points_spent|points }}.",
                "@balance",
            ],
            "button": "Vásárlás most",
            "sms": "{{ shop_name }}: itt a jutalmad ({{ reward_title }}). Kód: {{ code }}, "
            "érvényes eddig: {{ expires_at|date }}",
        },
        "reward_code_expiring": {
            "subject": "Hamarosan lejár a kódod: {{ reward_title }}",
            "body": [
                "Emlékeztető: hamarosan lejár a kódod, amelyet erre kaptál: "
                "<strong>{{ reward_title }}</strong>. Érvényes eddig: {{ expires_at|datetime }}",
                "@code",
                "Ha nem használod fel, semmi gond: a beváltott pontok ({{ points_spent|points }}) "
                "visszakerülnek az egyenlegedre.",
            ],
            "button": "Kód felhasználása",
            "sms": "{{ shop_name }}: a kódod ({{ code }}) érvényes eddig: {{ expires_at|date }} "
            "Ha nem használod fel, a pontjaid ({{ points_spent|points }}) visszajárnak.",
        },
        "points_returned": {
            "subject": "{{ points|points }} visszakerült az egyenlegedre",
            "body": [
                "{% if reason == 'failed' %}Nem sikerült teljesíteni a jutalmadat "
                "(<strong>{{ reward_title }}</strong>), ezért {{ points|points }} visszakerült az "
                "egyenlegedre. Elnézést kérünk!{% else %}A kódod (<strong>{{ reward_title }}</strong>) "
                "felhasználatlanul lejárt, ezért {{ points|points }} visszakerült az egyenlegedre."
                "{% endif %}",
                "@balance",
                "A pontok már a következő jutalmadra várnak.",
            ],
            "sms": "{{ shop_name }}: {{ points|points }} visszakerült az egyenlegedre "
            "{% if reason == 'failed' %}(a jutalmat nem sikerült teljesíteni){% else %}(a kódod "
            "felhasználatlanul lejárt){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Gratulálunk, új szinted: {{ tier_name }}!"
            "{% else %}Megváltozott a VIP-szinted{% endif %}",
            "body": [
                "{% if direction == 'up' %}Gratulálunk: mostantól <strong>{{ tier_name }}</strong> "
                "szintű tag vagy!{% elif tier_name %}Az új VIP-szinted: <strong>{{ tier_name }}</strong>."
                "{% else %}Véget ért a VIP-tagságod (korábbi szint: {{ previous_tier_name }}).{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Köszönjük a hűségedet.{% else %}Gyűjts tovább pontokat, hogy "
                "újra feljebb léphess: minden rendelés számít.{% endif %}",
            ],
            "perks_intro": "Az előnyeid:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}gratulálunk, mostantól {{ tier_name }} "
            "szintű tag vagy!{% elif tier_name %}az új VIP-szinted: {{ tier_name }}.{% else %}véget "
            "ért a VIP-tagságod.{% endif %}",
        },
        "birthday": {
            "subject": "Boldog születésnapot! – {{ shop_name }}",
            "body": [
                "Boldog születésnapot! Az egész csapatunk nevében nagyon szép napot kívánunk.",
                ("points", "Ünneplésképpen <strong>{{ points|points }}</strong> került az egyenlegedre."),
            ],
            "button": "Lepd meg magad",
            "sms": "{{ shop_name }}: Boldog születésnapot!{% if points %} Ajándékba {{ points|points }} "
            "került az egyenlegedre.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} – {{ used_percent|number }}% felhasználva",
            "body": [
                "Az üzlet felhasználta a keret <strong>{{ used_percent|number }}%</strong>-át. "
                "Keret: {{ limit_name }}",
                "A keret elérésekor egyes műveletek lelassulhatnak vagy szünetelhetnek, amíg a keret "
                "meg nem újul. A részleteket a LoyalNest felületén találod.",
            ],
        },
        "import_finished": {
            "subject": "{{ shop_name }}: befejeződött az ügyfelek importálása",
            "body": [
                "Az ügyfélimport befejeződött. Az eredmény:",
                [
                    "Importált ügyfelek: <strong>{{ customers_imported|number }}</strong>",
                    "Jóváírt pontok: <strong>{{ points_imported|number }}</strong>",
                    "Elutasított sorok: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "A LoyalNest felületén megnézheted, miért utasítottunk el egyes sorokat."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: a hűségprogram heti összesítője",
            "body": [
                "A hűségprogram eredményei a héten (a hét kezdete: {{ week_start|date }}):",
                [
                    "Gyűjtött pontok: <strong>{{ points_earned|number }}</strong>",
                    "Beváltott pontok: <strong>{{ points_redeemed|number }}</strong>",
                    "Új tagok: <strong>{{ new_members|number }}</strong>",
                    "Kiadott jutalmak: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "A teljes jelentést a LoyalNest felületén találod.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} meghív: {{ shop_name }}"
            "{% else %}Meghívó: {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> szerint neked is "
                "tetszeni fog ez az üzlet: {{ shop_name }}. Ezért meghív, hogy nézz körül.{% else %}Valaki, "
                "aki ismer, úgy gondolja, neked is tetszeni fog ez az üzlet: {{ shop_name }}. Ezért meghív, "
                "hogy nézz körül.{% endif %}",
                "Az üdvözlő ajánlatod: <strong>{{ offer }}</strong>.",
                "Automatikusan érvényesül, ha az alábbi linken keresztül vásárolsz.",
            ],
            "button": "Kérem az ajánlatot",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} meghív{% else %}"
            "meghívót kaptál{% endif %}. Ajánlat: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "{{ shop_name }}: az üdvözlő kódod",
            "body": [
                "Üdv nálunk! Az ajánlatod: <strong>{{ offer }}</strong>.",
                "@code",
                "Add meg ezt a kódot a pénztárnál. Egyszer használható. Érvényes eddig: "
                "{{ expires_at|datetime }}",
            ],
            "button": "Vásárlás indítása",
            "sms": "{{ shop_name }}: üdvözlő kódod {{ code }} ({{ offer }}), érvényes eddig: "
            "{{ expires_at|date }}",
        },
        "referral_rewarded": {
            "subject": "{% if points %}{{ shop_name }}: {{ points|points }} jóváírva az ajánlásodért"
            "{% else %}{{ shop_name }}: megérkezett az ajánlási jutalmad{% endif %}",
            "body": [
                "{% if friend_first_name %}Jó hír: az ajánlásodra első rendelését adta le nálunk <strong>"
                "{{ friend_first_name }}</strong>.{% else %}Jó hír: az ajánlásodra megérkezett egy új "
                "vásárló első rendelése.{% endif %} Köszönjük, hogy ajánlasz minket!",
                "{% if points %}<strong>{{ points|points }}</strong> került az egyenlegedre.{% else %}A "
                "jutalmad: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Oszd meg a linkedet továbbra is: minden első rendelés, ami rajta keresztül érkezik, újabb "
                "jutalmat hoz.",
            ],
            "sms": "{{ shop_name }}: ajánlásodért {% if points %}{{ points|points }} jóváírva{% else %}"
            "jutalmat kaptál: {{ reward_title }}{% endif %}. Köszönjük!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}{{ shop_name }}: erősítsd meg az adataid "
            "törlését{% else %}{{ shop_name }}: erősítsd meg az adatmásolat-kérelmedet{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Kérelmet kaptunk, hogy töröljük azokat a "
                "személyes adataidat, amelyeket ez az üzlet tárol rólad: "
                "{{ shop_name }}.{% else %}Kérelmet kaptunk, hogy küldjünk másolatot azokról a "
                "személyes adataidról, amelyeket ez az üzlet tárol rólad: "
                "{{ shop_name }}.{% endif %} Hogy biztosan tudjuk, hogy tőled származik, kérjük, "
                "erősítsd meg az alábbi gombbal.",
                "{% if request_type == 'customer_redact' %}<strong>Fontos:</strong> a megerősítés "
                "után a hűségprogramos fiókodat megszüntetjük, és a pontjaid "
                "({{ points_forfeited|points }}) elvesznek. <strong>Ez nem vonható "
                "vissza.</strong>{% else %}A megerősítés után e-mailben küldünk egy letöltési "
                "linket, amint elkészült a másolat.{% endif %}",
                "A link eddig érvényes: {{ link_expires_at|datetime }}.",
                "Ha nem te kérted, nyugodtan hagyd figyelmen kívül ezt az e-mailt: semmi sem fog történni.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Törlés megerősítése{% else %}Kérelem "
            "megerősítése{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "{{ shop_name }}: az adataid letölthetők",
            "body": [
                "Elkészült a személyes adataid másolata, amelyet ettől az üzlettől kértél: {{ shop_name }}.",
                "Eddig töltheted le: {{ expires_at|datetime }}. Utána a linket és a másolatot töröljük.",
                "A fájl a személyes adataidat tartalmazza: tárold biztonságos helyen.",
            ],
            "button": "Adataim letöltése",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: elkészült az adatexport (kérelem: #{{ request_number }})",
            "body": [
                "Egy vásárló adatkérelmét teljesítettük: az adatairól készült export letölthető, és "
                "továbbíthatod a vásárlónak.",
                [
                    "Kérelem: <strong>#{{ request_number }}</strong>",
                    "Shopify-vásárlóazonosító: <strong>{{ shopify_customer_id }}</strong>",
                    "Beérkezett: {% if source == 'storefront' %}magától a vásárlótól, a hűségprogram "
                    "widgetjében{% else %}a Shopifyon keresztül (vásárlói adatkérelem){% endif %}",
                    "Elérhető eddig: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Ezután a linket és az exportot töröljük.",
            ],
            "button": "Export letöltése",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: lejárt a határidő (adatvédelmi kérelem: #{{ request_number }})",
            "body": [
                "Egy adatvédelmi kérelem (<strong>#{{ request_number }}</strong>, "
                "{% if request_type == 'customer_redact' %}egy vásárló adatainak "
                "törlése{% elif request_type == 'shop_redact' %}az üzleted adatainak "
                "törlése{% else %}egy vásárló adatkérelme{% endif %}) nem teljesült a törvényes "
                "határidőn belül. A határidő lejárt: {{ due_at|datetime }}.",
                "Nézd meg a LoyalNest felületén: ott látod a kérelmet, és újra is próbálhatod.",
            ],
        },
    },
}
