"""Polish (Ty, with phrasing that avoids gendered past-tense forms of the customer)."""

# ruff: noqa: E501  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "punkt", "few": "punkty", "many": "punktów", "other": "punktu"},
    "footer": "Otrzymujesz tę wiadomość, ponieważ należysz do programu lojalnościowego tego sklepu.",
    "unsubscribe": "Wypisz mnie z tych wiadomości",
    "hello": "{% if customer_first_name %}Cześć {{ customer_first_name }},{% else %}Cześć,{% endif %}",
    "hello_staff": "Dzień dobry,",
    "balance": "Twoje saldo wynosi teraz <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Twój kod",
    "shop_button": "Przejdź do {{ shop_name }}",
    "dashboard_button": "Otwórz LoyalNest",
    "footer_guest": "Otrzymujesz tę wiadomość, ponieważ Twój adres został podany w programie poleceń tego "
    "sklepu. Kolejne wiadomości wyślemy tylko na Twoją prośbę.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Wypisz się",
        "question": "Nie chcesz już dostawać {channel} na ten temat: {topic}?",
        "button": "Wypisz mnie",
        "done_title": "Wypisano Cię",
        "done": "Nie będziesz już dostawać {channel} na ten temat: {topic}.",
        "refused_title": "Ten link nie działa",
        "refused": "Link do wypisania się jest nieprawidłowy (mógł zostać zmieniony lub "
        "zastąpiony nowszym). Użyj linku z niedawnej wiadomości albo zmień "
        "ustawienia na swoim koncie.",
        "email": "e-maili",
        "sms": "SMS-ów",
        "any": "te wiadomości",
    },
    "topics": {
        "nudge": "nowości i oferty sklepu",
        "points_earned": "zdobyte punkty",
        "points_expiring": "wygasające punkty",
        "reward_issued": "kody nagród",
        "reward_code_expiring": "wygasające kody nagród",
        "points_returned": "zwracane punkty",
        "tier_changed": "zmiany poziomu VIP",
        "birthday": "życzenia urodzinowe",
        "referral_invite": "zaproszenia od znajomych",
        "referral_friend_code": "kod powitalny",
        "referral_rewarded": "nagrody za polecenia",
        "privacy_request_confirm": "potwierdzanie Twoich próśb dotyczących prywatności",
        "privacy_export_ready": "kopie Twoich danych",
    },
    "reasons": {
        "order": "Zamówienie nr {number}",
        "purchase": "Zakupy",
        "signup": "Rejestracja",
        "newsletter": "Zapis do newslettera",
        "birthday": "Urodziny",
        "review": "Opinia",
        "referral": "Nagroda za polecenie",
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
            "subject": "Dopisaliśmy Ci {{ points|points }} w sklepie {{ shop_name }}",
            "body": [
                "Dobra wiadomość: właśnie dopisaliśmy Ci <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Dziękujemy, że należysz do naszego programu lojalnościowego!",
            ],
            "sms": "{{ shop_name }}: dopisaliśmy Ci {{ points|points }} ({{ reason }}). "
            "Saldo: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Twoje punkty wygasają {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> z Twojego salda w sklepie {{ shop_name }} "
                "{{ plural(points, one='wygaśnie', few='wygasną', many='wygaśnie', other='wygaśnie') }} "
                "{{ expires_on|date }}.",
                "Wybierz wcześniej nagrodę dla siebie, żeby nie przepadły.",
                "@balance",
            ],
            "button": "Wybierz nagrodę",
            "sms": "{{ shop_name }}: {{ points|points }} "
            "{{ plural(points, one='wygaśnie', few='wygasną', many='wygaśnie', other='wygaśnie') }} "
            "{{ expires_on|date }}. Wykorzystaj je wcześniej!",
        },
        "reward_issued": {
            "subject": "Twoja nagroda już czeka: {{ reward_title }}",
            "body": [
                "Oto Twoja nagroda od {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (o wartości {{ value|money }}){% endif %}.",
                "@code",
                "Wpisz ten kod przy kasie do {{ expires_at|datetime }}.",
                "Wymieniono na nią {{ points_spent|points }}.",
                "@balance",
            ],
            "button": "Przejdź do zakupów",
            "sms": "{{ shop_name }}: nagroda {{ reward_title }} czeka. Kod: {{ code }}, "
            "ważny do {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Twój kod na {{ reward_title }} wkrótce wygaśnie",
            "body": [
                "Przypominamy: Twój kod na <strong>{{ reward_title }}</strong> wygasa "
                "{{ expires_at|datetime }}.",
                "@code",
                "A jeśli nie zdążysz go użyć, nic straconego: zwrócimy Ci wtedy na saldo "
                "{{ points_spent|points }}.",
            ],
            "button": "Użyj kodu",
            "sms": "{{ shop_name }}: kod {{ code }} wygasa {{ expires_at|date }}. Jeśli go nie użyjesz, "
            "zwrócimy Ci {{ points_spent|points }}.",
        },
        "points_returned": {
            "subject": "Zwróciliśmy Ci {{ points|points }}",
            "body": [
                "{% if reason == 'failed' %}Nie udało się zrealizować Twojej nagrody "
                "<strong>{{ reward_title }}</strong>, dlatego zwróciliśmy Ci {{ points|points }}. "
                "Przepraszamy!{% else %}Twój kod na <strong>{{ reward_title }}</strong> wygasł "
                "niewykorzystany, dlatego zwróciliśmy Ci {{ points|points }}.{% endif %}",
                "@balance",
                "Możesz je wymienić na kolejną nagrodę.",
            ],
            "sms": "{{ shop_name }}: zwróciliśmy Ci {{ points|points }} "
            "{% if reason == 'failed' %}(nie udało się zrealizować nagrody){% else %}(kod wygasł "
            "niewykorzystany){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Witamy na poziomie {{ tier_name }}!"
            "{% else %}Twój poziom VIP się zmienił{% endif %}",
            "body": [
                "{% if direction == 'up' %}Gratulacje: masz teraz status <strong>{{ tier_name }}</strong> "
                "w sklepie {{ shop_name }}!{% elif tier_name %}Twój poziom VIP w sklepie {{ shop_name }} "
                "to teraz <strong>{{ tier_name }}</strong>.{% else %}Twój status {{ previous_tier_name }} "
                "w sklepie {{ shop_name }} wygasł.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Dziękujemy za Twoją lojalność.{% else %}Zbieraj dalej punkty, "
                "aby znów awansować: liczy się każde zamówienie.{% endif %}",
            ],
            "perks_intro": "Twoje korzyści:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}witamy na poziomie {{ tier_name }}! "
            "Ciesz się nowymi korzyściami.{% elif tier_name %}Twój poziom VIP to teraz {{ tier_name }}."
            "{% else %}Twój status VIP wygasł.{% endif %}",
        },
        "birthday": {
            "subject": "Wszystkiego najlepszego od {{ shop_name }}!",
            "body": [
                "Sto lat! Cały zespół {{ shop_name }} życzy Ci wspaniałych urodzin.",
                ("points", "Z tej okazji dopisaliśmy Ci <strong>{{ points|points }}</strong>."),
            ],
            "button": "Zrób sobie prezent",
            "sms": "Sto lat od {{ shop_name }}!{% if points %} Z okazji urodzin dopisaliśmy Ci "
            "{{ points|points }}.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} wykorzystany w {{ used_percent|number }}%",
            "body": [
                "Twój sklep wykorzystał już <strong>{{ used_percent|number }}%</strong> limitu "
                "{{ limit_name }}.",
                "Po osiągnięciu limitu niektóre operacje mogą zwolnić lub zostać wstrzymane do jego "
                "odnowienia. Szczegóły znajdziesz w LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Import klientów sklepu {{ shop_name }} został zakończony",
            "body": [
                "Import klientów został zakończony. Oto wyniki:",
                [
                    "Zaimportowani klienci: <strong>{{ customers_imported|number }}</strong>",
                    "Zaksięgowane punkty: <strong>{{ points_imported|number }}</strong>",
                    "Odrzucone wiersze: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "W LoyalNest sprawdzisz, dlaczego każdy wiersz został odrzucony."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: Twój program lojalnościowy w tym tygodniu",
            "body": [
                "Tak radził sobie Twój program lojalnościowy w tygodniu od {{ week_start|date }}:",
                [
                    "Zdobyte punkty: <strong>{{ points_earned|number }}</strong>",
                    "Wymienione punkty: <strong>{{ points_redeemed|number }}</strong>",
                    "Nowi członkowie: <strong>{{ new_members|number }}</strong>",
                    "Wydane nagrody: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Pełny raport znajdziesz w LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} zaprasza Cię do sklepu "
            "{{ shop_name }}{% else %}Masz zaproszenie do sklepu {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> poleca Ci sklep "
                "{{ shop_name }} i zaprasza na zakupy.{% else %}Ktoś, kto Cię zna, poleca Ci sklep "
                "{{ shop_name }} i zaprasza na zakupy.{% endif %}",
                "Twoja oferta powitalna: <strong>{{ offer }}</strong>.",
                "Zostanie naliczona automatycznie, gdy zrobisz zakupy przez link poniżej.",
            ],
            "button": "Odbierz ofertę",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} zaprasza Cię"
            "{% else %}masz zaproszenie{% endif %}. Oferta: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Twój kod powitalny w sklepie {{ shop_name }}",
            "body": [
                "Witamy w sklepie {{ shop_name }}! Twoja oferta: <strong>{{ offer }}</strong>.",
                "@code",
                "Wpisz ten kod przy kasie do {{ expires_at|datetime }}. Można go użyć raz.",
            ],
            "button": "Zacznij zakupy",
            "sms": "{{ shop_name }}: Twój kod powitalny {{ code }} ({{ offer }}) jest ważny do "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Dopisaliśmy Ci {{ points|points }} za polecenie{% else %}Twoja "
            "nagroda za polecenie już czeka{% endif %}",
            "body": [
                "{% if friend_first_name %}Mamy pierwsze zamówienie z Twojego polecenia od osoby o imieniu "
                "<strong>{{ friend_first_name }}</strong>.{% else %}Mamy pierwsze zamówienie z Twojego "
                "polecenia w sklepie {{ shop_name }}.{% endif %} Dziękujemy, że nas polecasz!",
                "{% if points %}Dopisaliśmy Ci <strong>{{ points|points }}</strong>.{% else %}Twoja "
                "nagroda: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Udostępniaj dalej swój link: każde pierwsze zamówienie z niego to kolejna nagroda.",
            ],
            "sms": "{{ shop_name }}: za polecenie {% if points %}dopisaliśmy Ci {{ points|points }}"
            "{% else %}czeka na Ciebie nagroda {{ reward_title }}{% endif %}. Dziękujemy!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Potwierdź usunięcie swoich danych w "
            "sklepie {{ shop_name }}{% else %}Potwierdź prośbę o kopię swoich danych{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Otrzymaliśmy prośbę o usunięcie danych "
                "osobowych, które sklep {{ shop_name }} przechowuje na Twój "
                "temat.{% else %}Otrzymaliśmy prośbę o kopię danych osobowych, które sklep "
                "{{ shop_name }} przechowuje na Twój temat.{% endif %} Aby mieć pewność, że pochodzi "
                "ona od Ciebie, potwierdź ją przyciskiem poniżej.",
                "{% if request_type == 'customer_redact' %}<strong>Uwaga:</strong> po potwierdzeniu "
                "Twoje konto w programie lojalnościowym zostanie zamknięte, a Twoje punkty "
                "({{ points_forfeited|points }}) przepadną. <strong>Tej operacji nie można "
                "cofnąć.</strong>{% else %}Po potwierdzeniu wyślemy Ci e-mailem link do pobrania "
                "danych, gdy tylko kopia będzie gotowa.{% endif %}",
                "Link działa do {{ link_expires_at|datetime }}.",
                "Jeśli ta prośba nie pochodzi od Ciebie, zignoruj tę wiadomość: nic się nie stanie.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Potwierdź usunięcie{% else %}Potwierdź "
            "prośbę{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Twoje dane ze sklepu {{ shop_name }} są gotowe do pobrania",
            "body": [
                "Zgodnie z Twoją prośbą przygotowaliśmy kopię Twoich danych osobowych ze sklepu "
                "{{ shop_name }}.",
                "Możesz ją pobrać do {{ expires_at|datetime }}. Potem link i kopia zostaną usunięte.",
                "Plik zawiera Twoje dane osobowe: przechowuj go w bezpiecznym miejscu.",
            ],
            "button": "Pobierz moje dane",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: eksport danych dla zgłoszenia nr {{ request_number }} jest gotowy",
            "body": [
                "Prośba klienta o dostęp do danych została zrealizowana: eksport jego danych jest "
                "gotowy do pobrania i przekazania klientowi.",
                [
                    "Zgłoszenie: <strong>nr {{ request_number }}</strong>",
                    "ID klienta w Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Źródło: {% if source == 'storefront' %}sam klient, w widżecie programu "
                    "lojalnościowego{% else %}Shopify (prośba klienta o dane){% endif %}",
                    "Dostępny do: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Po tym terminie link i eksport zostaną usunięte.",
            ],
            "button": "Pobierz eksport",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: zgłoszenie dotyczące prywatności nr {{ request_number }} jest po "
            "terminie",
            "body": [
                "Zgłoszenie dotyczące prywatności <strong>nr {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}usunięcie danych "
                "klienta{% elif request_type == 'shop_redact' %}usunięcie danych Twojego "
                "sklepu{% else %}prośba klienta o dostęp do danych{% endif %}) nie zostało "
                "zrealizowane w ustawowym terminie, który upłynął {{ due_at|datetime }}.",
                "Sprawdź je w LoyalNest: znajdziesz tam to zgłoszenie i możesz ponowić jego realizację.",
            ],
        },
    },
}
