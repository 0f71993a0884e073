"""German (du, the friendly tone of most German-language shop newsletters)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "Punkt", "other": "Punkte"},
    "footer": "Du erhältst diese E-Mail, weil du Mitglied im Prämienprogramm dieses Shops bist.",
    "unsubscribe": "Diese E-Mails abbestellen",
    "hello": "{% if customer_first_name %}Hallo {{ customer_first_name }},{% else %}Hallo,{% endif %}",
    "hello_staff": "Hallo,",
    "balance": "Dein Punktestand: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Dein Code",
    "shop_button": "Zu {{ shop_name }}",
    "dashboard_button": "LoyalNest öffnen",
    "footer_guest": "Du erhältst diese E-Mail, weil deine Adresse im Empfehlungsprogramm dieses Shops "
    "angegeben wurde. Weitere E-Mails bekommst du nur, wenn du sie anforderst.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Abmelden",
        "question": "Keine {channel} mehr zu diesem Thema erhalten: {topic}?",
        "button": "Abmelden",
        "done_title": "Du bist abgemeldet",
        "done": "Du erhältst keine {channel} mehr zu diesem Thema: {topic}.",
        "refused_title": "Dieser Link funktioniert nicht",
        "refused": "Der Abmeldelink ist ungültig (er wurde vielleicht verändert oder "
        "durch einen neueren ersetzt). Nutze den Link aus einer aktuellen "
        "Nachricht oder verwalte deine Einstellungen in deinem Kundenkonto.",
        "email": "E-Mails",
        "sms": "SMS",
        "any": "diese Nachrichten",
    },
    "topics": {
        "nudge": "Neuigkeiten und Angebote des Shops",
        "points_earned": "deine gesammelten Punkte",
        "points_expiring": "bald verfallende Punkte",
        "reward_issued": "deine Prämiencodes",
        "reward_code_expiring": "bald ablaufende Prämiencodes",
        "points_returned": "Punkte, die du zurückbekommst",
        "tier_changed": "Änderungen deiner VIP-Stufe",
        "birthday": "Geburtstagsgrüße",
        "referral_invite": "Einladungen von Freunden",
        "referral_friend_code": "dein Willkommenscode",
        "referral_rewarded": "Prämien für Empfehlungen",
        "privacy_request_confirm": "die Bestätigung deiner Datenschutzanfragen",
        "privacy_export_ready": "Kopien deiner Daten",
    },
    "reasons": {
        "order": "Bestellung Nr. {number}",
        "purchase": "Einkauf",
        "signup": "Registrierung",
        "newsletter": "Newsletter-Anmeldung",
        "birthday": "Geburtstag",
        "review": "Bewertung",
        "referral": "Empfehlungsprämie",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — von {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Du hast {{ points|points }} bei {{ shop_name }} gesammelt",
            "body": [
                "Schöne Neuigkeiten: Du hast gerade <strong>{{ points|points }}</strong> gesammelt "
                "({{ reason }}).",
                "@balance",
                "Danke, dass du bei unserem Prämienprogramm dabei bist!",
            ],
            "sms": "{{ shop_name }}: Du hast {{ points|points }} gesammelt ({{ reason }}). "
            "Punktestand: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Deine Punkte verfallen am {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> auf deinem Konto bei {{ shop_name }} "
                "{{ plural(points, one='verfällt', other='verfallen') }} am {{ expires_on|date }}.",
                "Gönn dir vorher noch eine Prämie, damit sie nicht verloren gehen.",
                "@balance",
            ],
            "button": "Prämie aussuchen",
            "sms": "{{ shop_name }}: {{ points|points }} {{ plural(points, one='verfällt', "
            "other='verfallen') }} am {{ expires_on|date }}. Jetzt noch einlösen!",
        },
        "reward_issued": {
            "subject": "Deine Prämie ist da: {{ reward_title }}",
            "body": [
                "Viel Freude mit deiner Prämie von {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (Wert: {{ value|money }}){% endif %}.",
                "@code",
                "Gib den Code bis {{ expires_at|datetime }} an der Kasse ein.",
                "Du hast dafür {{ points_spent|points }} eingelöst.",
                "@balance",
            ],
            "button": "Jetzt einkaufen",
            "sms": "{{ shop_name }}: Deine Prämie {{ reward_title }} ist da. Code: {{ code }}, "
            "gültig bis {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Dein Code für {{ reward_title }} läuft bald ab",
            "body": [
                "Kleine Erinnerung: Dein Code für <strong>{{ reward_title }}</strong> läuft am "
                "{{ expires_at|datetime }} ab.",
                "@code",
                "Und falls du ihn nicht mehr nutzt, keine Sorge: Die {{ points_spent|points }}, die du "
                "dafür eingelöst hast, bekommst du auf dein Konto zurück.",
            ],
            "button": "Code einlösen",
            "sms": "{{ shop_name }}: Dein Code {{ code }} läuft am {{ expires_at|date }} ab. Nicht "
            "genutzt? Du bekommst deine {{ points_spent|points }} zurück.",
        },
        "points_returned": {
            "subject": "Wir haben dir {{ points|points }} gutgeschrieben",
            "body": [
                "{% if reason == 'failed' %}Deine Prämie <strong>{{ reward_title }}</strong> konnte "
                "leider nicht ausgestellt werden. Deshalb haben wir dir {{ points|points }} "
                "zurückgebucht. Entschuldige bitte!{% else %}Dein Code für "
                "<strong>{{ reward_title }}</strong> ist ungenutzt abgelaufen. Deshalb haben wir dir "
                "{{ points|points }} zurückgebucht.{% endif %}",
                "@balance",
                "Sie warten auf deine nächste Prämie.",
            ],
            "sms": "{{ shop_name }}: Wir haben dir {{ points|points }} zurückgebucht "
            "{% if reason == 'failed' %}(deine Prämie konnte nicht ausgestellt werden){% else %}"
            "(dein Code ist ungenutzt abgelaufen){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Willkommen im Status {{ tier_name }}!"
            "{% else %}Dein VIP-Status hat sich geändert{% endif %}",
            "body": [
                "{% if direction == 'up' %}Glückwunsch: Du bist jetzt <strong>{{ tier_name }}</strong>-"
                "Mitglied bei {{ shop_name }}!{% elif tier_name %}Dein VIP-Status bei {{ shop_name }} "
                "ist jetzt <strong>{{ tier_name }}</strong>.{% else %}Deine {{ previous_tier_name }}-"
                "Mitgliedschaft bei {{ shop_name }} ist beendet.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Danke für deine Treue.{% else %}Sammle weiter Punkte, um "
                "wieder aufzusteigen: Jede Bestellung zählt.{% endif %}",
            ],
            "perks_intro": "Deine Vorteile:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}Willkommen im Status {{ tier_name }}! "
            "Viel Freude mit deinen neuen Vorteilen.{% elif tier_name %}Dein VIP-Status ist jetzt "
            "{{ tier_name }}.{% else %}Dein VIP-Status ist beendet.{% endif %}",
        },
        "birthday": {
            "subject": "Alles Gute zum Geburtstag von {{ shop_name }}!",
            "body": [
                "Alles Gute zum Geburtstag! Das ganze Team von {{ shop_name }} wünscht dir einen "
                "wunderschönen Tag.",
                (
                    "points",
                    "Zur Feier des Tages haben wir dir <strong>{{ points|points }}</strong> gutgeschrieben.",
                ),
            ],
            "button": "Gönn dir was",
            "sms": "Alles Gute zum Geburtstag von {{ shop_name }}!{% if points %} Wir haben dir "
            "{{ points|points }} gutgeschrieben.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} bei {{ used_percent|number }} %",
            "body": [
                "Dein Shop hat <strong>{{ used_percent|number }} %</strong> seines Limits für "
                "{{ limit_name }} verbraucht.",
                "Wenn das Limit erreicht ist, können manche Vorgänge langsamer werden oder pausieren, "
                "bis es zurückgesetzt wird. Die Details findest du in LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Der Kundenimport für {{ shop_name }} ist abgeschlossen",
            "body": [
                "Dein Kundenimport ist abgeschlossen. Das Ergebnis:",
                [
                    "Importierte Kunden: <strong>{{ customers_imported|number }}</strong>",
                    "Gebuchte Punkte: <strong>{{ points_imported|number }}</strong>",
                    "Abgelehnte Zeilen: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "In LoyalNest siehst du, warum jede Zeile abgelehnt wurde."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: dein Treueprogramm diese Woche",
            "body": [
                "So lief dein Prämienprogramm in der Woche ab dem {{ week_start|date }}:",
                [
                    "Gesammelte Punkte: <strong>{{ points_earned|number }}</strong>",
                    "Eingelöste Punkte: <strong>{{ points_redeemed|number }}</strong>",
                    "Neue Mitglieder: <strong>{{ new_members|number }}</strong>",
                    "Ausgegebene Prämien: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Den vollständigen Bericht findest du in LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} lädt dich zu {{ shop_name }} "
            "ein{% else %}Deine Einladung zu {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> ist sicher, dass "
                "dir {{ shop_name }} gefällt, und lädt dich ein, den Shop kennenzulernen.{% else %}Jemand, "
                "der dich kennt, ist sicher, dass dir {{ shop_name }} gefällt, und lädt dich ein, den Shop "
                "kennenzulernen.{% endif %}",
                "Dein Willkommensangebot: <strong>{{ offer }}</strong>.",
                "Es wird automatisch angewendet, wenn du über den Link unten einkaufst.",
            ],
            "button": "Angebot sichern",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} lädt dich ein"
            "{% else %}Du bist eingeladen{% endif %}. Dein Angebot: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Dein Willkommenscode für {{ shop_name }}",
            "body": [
                "Willkommen bei {{ shop_name }}! Dein Angebot: <strong>{{ offer }}</strong>.",
                "@code",
                "Gib den Code bis {{ expires_at|datetime }} an der Kasse ein. Er gilt für eine Bestellung.",
            ],
            "button": "Jetzt stöbern",
            "sms": "{{ shop_name }}: Dein Willkommenscode {{ code }} ({{ offer }}) ist gültig bis "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Du hast {{ points|points }} für deine Empfehlung gesammelt{% else %}"
            "Deine Prämie für deine Empfehlung ist da{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> hat auf deine "
                "Empfehlung zum ersten Mal bei {{ shop_name }} bestellt.{% else %}Jemand, den du empfohlen "
                "hast, hat zum ersten Mal bei {{ shop_name }} bestellt.{% endif %} Danke, dass du uns "
                "weiterempfiehlst!",
                "{% if points %}Wir haben dir <strong>{{ points|points }}</strong> gutgeschrieben.{% else %}"
                "Deine Prämie: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Teile deinen Link weiter: Jede erste Bestellung, die darüber kommt, bringt dir eine neue "
                "Prämie.",
            ],
            "sms": "{{ shop_name }}: Deine Empfehlung hat dir {% if points %}{{ points|points }}{% else %}"
            "{{ reward_title }}{% endif %} eingebracht. Danke!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Bestätige die Löschung deiner Daten bei "
            "{{ shop_name }}{% else %}Bestätige deine Anfrage nach einer Kopie deiner "
            "Daten{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Wir haben eine Anfrage erhalten, die "
                "personenbezogenen Daten zu löschen, die {{ shop_name }} über dich gespeichert "
                "hat.{% else %}Wir haben eine Anfrage nach einer Kopie der personenbezogenen Daten "
                "erhalten, die {{ shop_name }} über dich gespeichert hat.{% endif %} Damit wir "
                "sicher sind, dass sie von dir kommt, bestätige sie bitte über den Button unten.",
                "{% if request_type == 'customer_redact' %}<strong>Bitte beachte:</strong> Sobald du "
                "bestätigst, wird dein Prämienkonto geschlossen und deine Punkte "
                "({{ points_forfeited|points }}) verfallen. <strong>Das lässt sich nicht rückgängig "
                "machen.</strong>{% else %}Nach deiner Bestätigung schicken wir dir einen "
                "Download-Link per E-Mail, sobald die Kopie bereitsteht.{% endif %}",
                "Der Link ist bis {{ link_expires_at|datetime }} gültig.",
                "Falls du das nicht angefordert hast, kannst du diese E-Mail einfach ignorieren: "
                "Dann passiert nichts.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Löschung bestätigen{% else %}Anfrage "
            "bestätigen{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Deine Daten von {{ shop_name }} stehen zum Download bereit",
            "body": [
                "Die Kopie deiner personenbezogenen Daten, die du bei {{ shop_name }} angefordert "
                "hast, ist fertig.",
                "Du kannst sie bis {{ expires_at|datetime }} herunterladen. Danach werden der Link "
                "und die Kopie gelöscht.",
                "Die Datei enthält deine personenbezogenen Daten: Bewahre sie sicher auf.",
            ],
            "button": "Meine Daten herunterladen",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: Der Datenexport für Anfrage #{{ request_number }} ist fertig",
            "body": [
                "Eine Datenauskunftsanfrage wurde beantwortet: Der Export der Kundendaten steht zum "
                "Herunterladen bereit und kann an den Kunden weitergegeben werden.",
                [
                    "Anfrage: <strong>#{{ request_number }}</strong>",
                    "Shopify-Kunden-ID: <strong>{{ shopify_customer_id }}</strong>",
                    "Eingegangen {% if source == 'storefront' %}über dein Treue-Widget, vom Kunden "
                    "selbst{% else %}über Shopify (Datenanfrage eines Kunden){% endif %}",
                    "Verfügbar bis: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Danach werden der Link und der Export gelöscht.",
            ],
            "button": "Export herunterladen",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: Datenschutzanfrage #{{ request_number }} ist überfällig",
            "body": [
                "Die Datenschutzanfrage <strong>#{{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}Löschung der Daten eines "
                "Kunden{% elif request_type == 'shop_redact' %}Löschung der Daten deines "
                "Shops{% else %}Datenauskunft für einen Kunden{% endif %}) wurde nicht innerhalb der "
                "gesetzlichen Frist abgeschlossen. Die Frist lief am {{ due_at|datetime }} ab.",
                "Bitte prüfe sie in LoyalNest: Dort wird die Anfrage angezeigt, und du kannst sie "
                "erneut ausführen.",
            ],
        },
    },
}
