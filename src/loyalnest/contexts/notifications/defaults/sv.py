"""Swedish (du, as Swedish shops always address their customers)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "poäng", "other": "poäng"},
    "footer": "Du får det här mejlet eftersom du är medlem i butikens lojalitetsprogram.",
    "unsubscribe": "Avsluta prenumerationen på de här mejlen",
    "hello": "{% if customer_first_name %}Hej {{ customer_first_name }}!{% else %}Hej!{% endif %}",
    "hello_staff": "Hej!",
    "balance": "Ditt saldo är nu <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Din kod",
    "shop_button": "Besök {{ shop_name }}",
    "dashboard_button": "Öppna LoyalNest",
    "footer_guest": "Du får det här mejlet eftersom din adress angavs i butikens värvningsprogram. Du får "
    "inga fler mejl om du inte ber om dem.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Avsluta prenumeration",
        "question": "Sluta få {channel} om {topic}?",
        "button": "Avsluta prenumerationen",
        "done_title": "Du har avslutat prenumerationen",
        "done": "Du får inte längre {channel} om {topic}.",
        "refused_title": "Den här länken fungerar inte",
        "refused": "Länken för att avsluta prenumerationen är inte giltig (den kan ha "
        "ändrats eller ersatts av en nyare). Använd länken i ett nyare "
        "meddelande, eller hantera dina inställningar i ditt konto.",
        "email": "mejl",
        "sms": "sms",
        "any": "de här meddelandena",
    },
    "topics": {
        "nudge": "nyheter och erbjudanden från butiken",
        "points_earned": "poängen du tjänar",
        "points_expiring": "poäng som snart går ut",
        "reward_issued": "dina belöningskoder",
        "reward_code_expiring": "belöningskoder som snart går ut",
        "points_returned": "poäng som kommer tillbaka till dig",
        "tier_changed": "ändringar av din VIP-nivå",
        "birthday": "födelsedagshälsningar",
        "referral_invite": "inbjudningar från dina vänner",
        "referral_friend_code": "din välkomstkod",
        "referral_rewarded": "belöningar för att värva vänner",
        "privacy_request_confirm": "bekräftelser av dina integritetsförfrågningar",
        "privacy_export_ready": "kopior av dina uppgifter",
    },
    "reasons": {
        "order": "Order nr {number}",
        "purchase": "Köp",
        "signup": "Registrering",
        "newsletter": "Nyhetsbrev",
        "birthday": "Födelsedag",
        "review": "Recension",
        "referral": "Värvningsbelöning",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — från {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Du har fått {{ points|points }} hos {{ shop_name }}",
            "body": [
                "Goda nyheter: du har precis fått <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Tack för att du är med i vårt lojalitetsprogram!",
            ],
            "sms": "{{ shop_name }}: du har fått {{ points|points }} ({{ reason }}). "
            "Saldo: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Dina poäng går ut den {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> av ditt saldo hos {{ shop_name }} går ut den "
                "{{ expires_on|date }}.",
                "Unna dig en belöning innan dess, så att de inte går förlorade.",
                "@balance",
            ],
            "button": "Välj en belöning",
            "sms": "{{ shop_name }}: {{ points|points }} går ut den {{ expires_on|date }}. "
            "Använd dem innan dess!",
        },
        "reward_issued": {
            "subject": "Här är din belöning: {{ reward_title }}",
            "body": [
                "Njut av din belöning från {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (värde {{ value|money }}){% endif %}.",
                "@code",
                "Ange koden i kassan före {{ expires_at|datetime }}.",
                "Du använde {{ points_spent|points }} för den.",
                "@balance",
            ],
            "button": "Handla nu",
            "sms": "{{ shop_name }}: din belöning {{ reward_title }} är klar. Kod: {{ code }}, "
            "giltig till {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Din kod för {{ reward_title }} går snart ut",
            "body": [
                "En påminnelse: din kod för <strong>{{ reward_title }}</strong> går ut "
                "{{ expires_at|datetime }}.",
                "@code",
                "Och om du inte hinner använda den är det ingen fara: dina {{ points_spent|points }} "
                "kommer då tillbaka till ditt saldo.",
            ],
            "button": "Använd min kod",
            "sms": "{{ shop_name }}: koden {{ code }} går ut {{ expires_at|date }}. Används den inte "
            "får du tillbaka dina {{ points_spent|points }}.",
        },
        "points_returned": {
            "subject": "Vi har fört tillbaka {{ points|points }} till ditt saldo",
            "body": [
                "{% if reason == 'failed' %}Vi kunde inte slutföra din belöning "
                "<strong>{{ reward_title }}</strong>, så vi har fört tillbaka {{ points|points }} till "
                "ditt saldo. Vi ber om ursäkt!{% else %}Din kod för <strong>{{ reward_title }}</strong> "
                "gick ut utan att användas, så vi har fört tillbaka {{ points|points }} till ditt "
                "saldo.{% endif %}",
                "@balance",
                "De väntar på din nästa belöning.",
            ],
            "sms": "{{ shop_name }}: vi har fört tillbaka {{ points|points }} till ditt saldo "
            "{% if reason == 'failed' %}(din belöning kunde inte slutföras){% else %}(din kod gick "
            "ut oanvänd){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Välkommen till {{ tier_name }}!"
            "{% else %}Din VIP-nivå har ändrats{% endif %}",
            "body": [
                "{% if direction == 'up' %}Grattis: du är nu <strong>{{ tier_name }}</strong>-medlem hos "
                "{{ shop_name }}!{% elif tier_name %}Din VIP-nivå hos {{ shop_name }} är nu "
                "<strong>{{ tier_name }}</strong>.{% else %}Ditt {{ previous_tier_name }}-medlemskap "
                "hos {{ shop_name }} har upphört.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Tack för din lojalitet.{% else %}Fortsätt samla poäng för "
                "att klättra igen: varje beställning räknas.{% endif %}",
            ],
            "perks_intro": "Dina förmåner:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}välkommen till {{ tier_name }}! Njut av "
            "dina nya förmåner.{% elif tier_name %}din VIP-nivå är nu {{ tier_name }}.{% else %}din "
            "VIP-nivå har upphört.{% endif %}",
        },
        "birthday": {
            "subject": "Grattis på födelsedagen från {{ shop_name }}!",
            "body": [
                "Grattis på födelsedagen! Alla vi på {{ shop_name }} önskar dig en underbar dag.",
                (
                    "points",
                    "För att fira har vi lagt till <strong>{{ points|points }}</strong> på ditt saldo.",
                ),
            ],
            "button": "Unna dig något",
            "sms": "Grattis på födelsedagen från {{ shop_name }}!{% if points %} Vi har lagt till "
            "{{ points|points }} på ditt saldo.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} på {{ used_percent|number }} %",
            "body": [
                "Din butik har använt <strong>{{ used_percent|number }} %</strong> av gränsen för "
                "{{ limit_name }}.",
                "När gränsen nås kan vissa åtgärder gå långsammare eller pausas tills den återställs. "
                "Se detaljerna i LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Kundimporten för {{ shop_name }} är klar",
            "body": [
                "Din kundimport är klar. Här är resultatet:",
                [
                    "Importerade kunder: <strong>{{ customers_imported|number }}</strong>",
                    "Bokförda poäng: <strong>{{ points_imported|number }}</strong>",
                    "Avvisade rader: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "I LoyalNest ser du varför varje rad avvisades."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: ditt lojalitetsprogram den här veckan",
            "body": [
                "Så här gick ditt lojalitetsprogram veckan som började {{ week_start|date }}:",
                [
                    "Intjänade poäng: <strong>{{ points_earned|number }}</strong>",
                    "Inlösta poäng: <strong>{{ points_redeemed|number }}</strong>",
                    "Nya medlemmar: <strong>{{ new_members|number }}</strong>",
                    "Utfärdade belöningar: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Se hela rapporten i LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} bjuder in dig till "
            "{{ shop_name }}{% else %}Du är inbjuden till {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> tror att du kommer "
                "att gilla {{ shop_name }} och bjuder in dig att ta en titt.{% else %}Någon som känner dig "
                "tror att du kommer att gilla {{ shop_name }} och bjuder in dig att ta en titt.{% endif %}",
                "Ditt välkomsterbjudande: <strong>{{ offer }}</strong>.",
                "Det dras automatiskt när du handlar via länken nedan.",
            ],
            "button": "Hämta mitt erbjudande",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} bjuder in dig"
            "{% else %}du är inbjuden{% endif %}. Ditt erbjudande: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Din välkomstkod hos {{ shop_name }}",
            "body": [
                "Välkommen till {{ shop_name }}! Ditt erbjudande: <strong>{{ offer }}</strong>.",
                "@code",
                "Ange koden i kassan före {{ expires_at|datetime }}. Den gäller för en beställning.",
            ],
            "button": "Börja handla",
            "sms": "{{ shop_name }}: din välkomstkod {{ code }} ({{ offer }}) gäller till "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Du har fått {{ points|points }} för din värvning{% else %}Din "
            "belöning för värvningen är här{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> har gjort sin första "
                "beställning hos {{ shop_name }} tack vare dig.{% else %}Någon du har värvat har gjort sin "
                "första beställning hos {{ shop_name }}.{% endif %} Tack för att du rekommenderar oss!",
                "{% if points %}Vi har lagt till <strong>{{ points|points }}</strong> på ditt saldo."
                "{% else %}Din belöning: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Fortsätt dela din länk: varje första beställning via den ger dig en ny belöning.",
            ],
            "sms": "{{ shop_name }}: din värvning gav dig {% if points %}{{ points|points }}{% else %}"
            "{{ reward_title }}{% endif %}. Tack!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Bekräfta raderingen av dina uppgifter hos "
            "{{ shop_name }}{% else %}Bekräfta din begäran om en kopia av dina "
            "uppgifter{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Vi har fått en begäran om att radera de "
                "personuppgifter som {{ shop_name }} har om dig.{% else %}Vi har fått en begäran om "
                "en kopia av de personuppgifter som {{ shop_name }} har om dig.{% endif %} Bekräfta "
                "den med knappen nedan, så att vi vet att den kommer från dig.",
                "{% if request_type == 'customer_redact' %}<strong>Observera:</strong> när du "
                "bekräftar stängs ditt konto i förmånsprogrammet och dina poäng "
                "({{ points_forfeited|points }}) går förlorade. <strong>Det går inte att "
                "ångra.</strong>{% else %}När du har bekräftat mejlar vi dig en länk för att ladda "
                "ner dina uppgifter så snart kopian är klar.{% endif %}",
                "Länken fungerar till {{ link_expires_at|datetime }}.",
                "Om du inte har bett om detta kan du ignorera mejlet: ingenting händer.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Bekräfta raderingen{% else %}Bekräfta min "
            "begäran{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Dina uppgifter från {{ shop_name }} är klara att ladda ner",
            "body": [
                "Kopian av dina personuppgifter som du begärde från {{ shop_name }} är klar.",
                "Du kan ladda ner den till {{ expires_at|datetime }}. Därefter raderas länken och kopian.",
                "Filen innehåller dina personuppgifter: förvara den på ett säkert ställe.",
            ],
            "button": "Ladda ner mina uppgifter",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: dataexporten för begäran #{{ request_number }} är klar",
            "body": [
                "En kunds begäran om sina uppgifter har besvarats: exporten är klar att ladda ner "
                "och lämna vidare till kunden.",
                [
                    "Begäran: <strong>#{{ request_number }}</strong>",
                    "Shopify-kund-ID: <strong>{{ shopify_customer_id }}</strong>",
                    "Inkom {% if source == 'storefront' %}från kunden själv, via din "
                    "lojalitetswidget{% else %}via Shopify (kundens begäran om uppgifter){% endif %}",
                    "Tillgänglig till: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Därefter raderas länken och exporten.",
            ],
            "button": "Ladda ner exporten",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: integritetsbegäran #{{ request_number }} är försenad",
            "body": [
                "Integritetsbegäran <strong>#{{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}radering av en kunds "
                "uppgifter{% elif request_type == 'shop_redact' %}radering av din butiks "
                "uppgifter{% else %}en kunds begäran om sina uppgifter{% endif %}) slutfördes inte "
                "inom den lagstadgade fristen, som gick ut {{ due_at|datetime }}.",
                "Kontrollera den i LoyalNest: där visas begäran och du kan försöka igen.",
            ],
        },
    },
}
