"""Dutch (je, the informal register Dutch and Flemish shops use)."""

# ruff: noqa: E501  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "punt", "other": "punten"},
    "footer": "Je ontvangt deze e-mail omdat je lid bent van het spaarprogramma van deze winkel.",
    "unsubscribe": "Afmelden voor deze e-mails",
    "hello": "{% if customer_first_name %}Hoi {{ customer_first_name }},{% else %}Hoi,{% endif %}",
    "hello_staff": "Hallo,",
    "balance": "Je saldo is nu <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Je code",
    "shop_button": "Naar {{ shop_name }}",
    "dashboard_button": "LoyalNest openen",
    "footer_guest": "Je ontvangt deze e-mail omdat je adres is ingevuld in het doorverwijsprogramma van "
    "deze winkel. Je krijgt geen andere e-mails, tenzij je erom vraagt.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Afmelden",
        "question": "Wil je geen {channel} meer ontvangen over {topic}?",
        "button": "Afmelden",
        "done_title": "Je bent afgemeld",
        "done": "Je ontvangt geen {channel} meer over {topic}.",
        "refused_title": "Deze link werkt niet",
        "refused": "De afmeldlink is niet geldig (misschien is hij gewijzigd of vervangen "
        "door een nieuwere). Gebruik de link in een recent bericht of beheer "
        "je voorkeuren in je account.",
        "email": "e-mails",
        "sms": "sms'jes",
        "any": "deze berichten",
    },
    "topics": {
        "nudge": "nieuws en aanbiedingen van de winkel",
        "points_earned": "de punten die je verdient",
        "points_expiring": "punten die bijna verlopen",
        "reward_issued": "je beloningscodes",
        "reward_code_expiring": "beloningscodes die bijna verlopen",
        "points_returned": "punten die je terugkrijgt",
        "tier_changed": "wijzigingen in je VIP-niveau",
        "birthday": "verjaardagswensen",
        "referral_invite": "uitnodigingen van je vrienden",
        "referral_friend_code": "je welkomstcode",
        "referral_rewarded": "beloningen voor het doorverwijzen van vrienden",
        "privacy_request_confirm": "het bevestigen van je privacyverzoeken",
        "privacy_export_ready": "kopieën van je gegevens",
    },
    "reasons": {
        "order": "Bestelling nr. {number}",
        "purchase": "Aankoop",
        "signup": "Aanmelding",
        "newsletter": "Nieuwsbrief",
        "birthday": "Verjaardag",
        "review": "Review",
        "referral": "Beloning voor doorverwijzing",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — van {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Je hebt {{ points|points }} verdiend bij {{ shop_name }}",
            "body": [
                "Goed nieuws: je hebt zojuist <strong>{{ points|points }}</strong> verdiend ({{ reason }}).",
                "@balance",
                "Bedankt dat je meedoet aan ons spaarprogramma!",
            ],
            "sms": "{{ shop_name }}: je hebt {{ points|points }} verdiend ({{ reason }}). "
            "Saldo: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Je punten vervallen op {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> van je saldo bij {{ shop_name }} "
                "{{ plural(points, one='vervalt', other='vervallen') }} op {{ expires_on|date }}.",
                "Trakteer jezelf vóór die tijd op een beloning, dan gaan ze niet verloren.",
                "@balance",
            ],
            "button": "Kies een beloning",
            "sms": "{{ shop_name }}: {{ points|points }} {{ plural(points, one='vervalt', other='vervallen') }} "
            "op {{ expires_on|date }}. Gebruik ze op tijd!",
        },
        "reward_issued": {
            "subject": "Je beloning is er: {{ reward_title }}",
            "body": [
                "Veel plezier met je beloning van {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (waarde: {{ value|money }}){% endif %}.",
                "@code",
                "Vul deze code vóór {{ expires_at|datetime }} in bij het afrekenen.",
                "Je hebt er {{ points_spent|points }} voor ingewisseld.",
                "@balance",
            ],
            "button": "Nu shoppen",
            "sms": "{{ shop_name }}: je beloning {{ reward_title }} staat klaar. Code: {{ code }}, "
            "geldig t/m {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Je code voor {{ reward_title }} verloopt binnenkort",
            "body": [
                "Even een herinnering: je code voor <strong>{{ reward_title }}</strong> verloopt op "
                "{{ expires_at|datetime }}.",
                "@code",
                "Lukt het niet om hem te gebruiken? Geen zorgen: de {{ points_spent|points }} die je "
                "ervoor hebt ingewisseld, komen dan terug op je saldo.",
            ],
            "button": "Mijn code gebruiken",
            "sms": "{{ shop_name }}: code {{ code }} verloopt op {{ expires_at|date }}. Niet gebruikt? "
            "Dan krijg je je {{ points_spent|points }} terug.",
        },
        "points_returned": {
            "subject": "We hebben {{ points|points }} teruggezet op je saldo",
            "body": [
                "{% if reason == 'failed' %}Het is niet gelukt om je beloning "
                "<strong>{{ reward_title }}</strong> af te ronden, dus we hebben {{ points|points }} "
                "teruggezet op je saldo. Sorry daarvoor!{% else %}Je code voor "
                "<strong>{{ reward_title }}</strong> is ongebruikt verlopen, dus we hebben "
                "{{ points|points }} teruggezet op je saldo.{% endif %}",
                "@balance",
                "Ze staan klaar voor je volgende beloning.",
            ],
            "sms": "{{ shop_name }}: we hebben {{ points|points }} teruggezet op je saldo "
            "{% if reason == 'failed' %}(je beloning kon niet worden afgerond){% else %}(je code is "
            "ongebruikt verlopen){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Welkom bij {{ tier_name }}!"
            "{% else %}Je VIP-niveau is gewijzigd{% endif %}",
            "body": [
                "{% if direction == 'up' %}Gefeliciteerd: je bent nu <strong>{{ tier_name }}</strong>-lid "
                "bij {{ shop_name }}!{% elif tier_name %}Je VIP-niveau bij {{ shop_name }} is nu "
                "<strong>{{ tier_name }}</strong>.{% else %}Je {{ previous_tier_name }}-lidmaatschap bij "
                "{{ shop_name }} is beëindigd.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Bedankt voor je trouw.{% else %}Blijf punten sparen om weer "
                "te stijgen: elke bestelling telt.{% endif %}",
            ],
            "perks_intro": "Je voordelen:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}welkom bij {{ tier_name }}! Geniet van je "
            "nieuwe voordelen.{% elif tier_name %}je VIP-niveau is nu {{ tier_name }}.{% else %}je "
            "VIP-niveau is beëindigd.{% endif %}",
        },
        "birthday": {
            "subject": "Gefeliciteerd met je verjaardag van {{ shop_name }}!",
            "body": [
                "Van harte gefeliciteerd! Iedereen bij {{ shop_name }} wenst je een fantastische dag.",
                (
                    "points",
                    "Om het te vieren hebben we <strong>{{ points|points }}</strong> aan je saldo "
                    "toegevoegd.",
                ),
            ],
            "button": "Trakteer jezelf",
            "sms": "Gefeliciteerd met je verjaardag van {{ shop_name }}!{% if points %} We hebben "
            "{{ points|points }} aan je saldo toegevoegd.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} op {{ used_percent|number }}%",
            "body": [
                "Je winkel heeft <strong>{{ used_percent|number }}%</strong> van de limiet voor "
                "{{ limit_name }} gebruikt.",
                "Als de limiet is bereikt, kunnen sommige acties vertragen of pauzeren tot hij weer "
                "wordt vrijgegeven. Bekijk de details in LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "De klantenimport voor {{ shop_name }} is klaar",
            "body": [
                "Je klantenimport is klaar. Dit is het resultaat:",
                [
                    "Geïmporteerde klanten: <strong>{{ customers_imported|number }}</strong>",
                    "Geboekte punten: <strong>{{ points_imported|number }}</strong>",
                    "Geweigerde rijen: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "In LoyalNest zie je waarom elke rij is geweigerd."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: je loyaliteitsprogramma deze week",
            "body": [
                "Zo deed je spaarprogramma het in de week vanaf {{ week_start|date }}:",
                [
                    "Verdiende punten: <strong>{{ points_earned|number }}</strong>",
                    "Ingewisselde punten: <strong>{{ points_redeemed|number }}</strong>",
                    "Nieuwe leden: <strong>{{ new_members|number }}</strong>",
                    "Uitgegeven beloningen: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Bekijk het volledige rapport in LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} nodigt je uit bij "
            "{{ shop_name }}{% else %}Je bent uitgenodigd bij {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> denkt dat je "
                "{{ shop_name }} geweldig vindt en nodigt je uit om een kijkje te nemen.{% else %}Iemand "
                "die je kent denkt dat je {{ shop_name }} geweldig vindt en nodigt je uit om een kijkje te "
                "nemen.{% endif %}",
                "Je welkomstaanbieding: <strong>{{ offer }}</strong>.",
                "Die wordt automatisch toegepast als je via de link hieronder winkelt.",
            ],
            "button": "Claim mijn aanbieding",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} nodigt je uit"
            "{% else %}je bent uitgenodigd{% endif %}. Je aanbieding: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Je welkomstcode voor {{ shop_name }}",
            "body": [
                "Welkom bij {{ shop_name }}! Dit is je aanbieding: <strong>{{ offer }}</strong>.",
                "@code",
                "Vul deze code vóór {{ expires_at|datetime }} in bij het afrekenen. Je kunt hem één keer "
                "gebruiken.",
            ],
            "button": "Begin met shoppen",
            "sms": "{{ shop_name }}: je welkomstcode {{ code }} ({{ offer }}) is geldig t/m "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Je hebt {{ points|points }} verdiend met je doorverwijzing{% else %}"
            "Je beloning voor je doorverwijzing staat klaar{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> heeft dankzij jou voor "
                "het eerst besteld bij {{ shop_name }}.{% else %}Iemand die je hebt doorverwezen heeft voor "
                "het eerst besteld bij {{ shop_name }}.{% endif %} Bedankt dat je ons aanraadt!",
                "{% if points %}We hebben <strong>{{ points|points }}</strong> aan je saldo toegevoegd."
                "{% else %}Je beloning: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Blijf je link delen: elke eerste bestelling via je link levert je een nieuwe beloning op.",
            ],
            "sms": "{{ shop_name }}: je doorverwijzing leverde je {% if points %}{{ points|points }}"
            "{% else %}{{ reward_title }}{% endif %} op. Bedankt!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Bevestig het wissen van je gegevens bij "
            "{{ shop_name }}{% else %}Bevestig je verzoek om een kopie van je gegevens{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}We hebben een verzoek ontvangen om de "
                "persoonsgegevens te wissen die {{ shop_name }} over je bewaart.{% else %}We hebben "
                "een verzoek ontvangen om een kopie van de persoonsgegevens die {{ shop_name }} over "
                "je bewaart.{% endif %} Bevestig het verzoek met de knop hieronder, zodat we zeker "
                "weten dat het van jou komt.",
                "{% if request_type == 'customer_redact' %}<strong>Let op:</strong> zodra je "
                "bevestigt, wordt je spaarprogramma-account gesloten en vervallen je punten "
                "({{ points_forfeited|points }}). <strong>Dit kan niet ongedaan worden "
                "gemaakt.</strong>{% else %}Na je bevestiging mailen we je een downloadlink zodra de "
                "kopie klaarstaat.{% endif %}",
                "De link werkt tot {{ link_expires_at|datetime }}.",
                "Heb je hier niet om gevraagd? Dan kun je deze e-mail negeren: er gebeurt niets.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Wissen bevestigen{% else %}Verzoek "
            "bevestigen{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Je gegevens van {{ shop_name }} staan klaar om te downloaden",
            "body": [
                "De kopie van je persoonsgegevens die je bij {{ shop_name }} hebt opgevraagd, staat klaar.",
                "Je kunt hem downloaden tot {{ expires_at|datetime }}. Daarna worden de link en de "
                "kopie verwijderd.",
                "Het bestand bevat je persoonsgegevens: bewaar het op een veilige plek.",
            ],
            "button": "Mijn gegevens downloaden",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: de gegevensexport voor verzoek #{{ request_number }} staat klaar",
            "body": [
                "Een inzageverzoek van een klant is afgehandeld: de export van de klantgegevens "
                "staat klaar om te downloaden en aan de klant te bezorgen.",
                [
                    "Verzoek: <strong>#{{ request_number }}</strong>",
                    "Shopify-klant-ID: <strong>{{ shopify_customer_id }}</strong>",
                    "Ontvangen {% if source == 'storefront' %}van de klant zelf, via je "
                    "loyaliteitswidget{% else %}via Shopify (gegevensverzoek van een klant){% endif %}",
                    "Beschikbaar tot: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Daarna worden de link en de export verwijderd.",
            ],
            "button": "Export downloaden",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: privacyverzoek #{{ request_number }} is over tijd",
            "body": [
                "Privacyverzoek <strong>#{{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}wissen van de gegevens van een "
                "klant{% elif request_type == 'shop_redact' %}wissen van de gegevens van je "
                "winkel{% else %}inzageverzoek van een klant{% endif %}) is niet binnen de "
                "wettelijke termijn afgerond. Die termijn liep af op {{ due_at|datetime }}.",
                "Controleer het in LoyalNest: daar zie je het verzoek en kun je het opnieuw proberen.",
            ],
        },
    },
}
