"""Italian (tu, the friendly register Italian shops use with customers)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "punto", "many": "punti", "other": "punti"},
    "footer": "Ricevi questa email perché fai parte del programma fedeltà di questo negozio.",
    "unsubscribe": "Annulla l'iscrizione a queste email",
    "hello": "{% if customer_first_name %}Ciao {{ customer_first_name }},{% else %}Ciao,{% endif %}",
    "hello_staff": "Buongiorno,",
    "balance": "Il tuo saldo ora è di <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Il tuo codice",
    "shop_button": "Vai su {{ shop_name }}",
    "dashboard_button": "Apri LoyalNest",
    "footer_guest": 'Ricevi questa email perché il tuo indirizzo è stato inserito nel programma "Invita un '
    'amico" di questo negozio. Non riceverai altre email se non le richiedi.',
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Annulla iscrizione",
        "question": "Non vuoi più ricevere {channel} su questo argomento: {topic}?",
        "button": "Annulla iscrizione",
        "done_title": "Iscrizione annullata",
        "done": "Non riceverai più {channel} su questo argomento: {topic}.",
        "refused_title": "Questo link non funziona",
        "refused": "Il link per annullare l'iscrizione non è valido (potrebbe essere "
        "stato modificato o sostituito da uno più recente). Usa il link di un "
        "messaggio recente o gestisci le tue preferenze nel tuo account.",
        "email": "email",
        "sms": "SMS",
        "any": "questi messaggi",
    },
    "topics": {
        "nudge": "novità e offerte del negozio",
        "points_earned": "i punti che guadagni",
        "points_expiring": "i punti in scadenza",
        "reward_issued": "i tuoi codici premio",
        "reward_code_expiring": "i codici premio in scadenza",
        "points_returned": "i punti che ti restituiamo",
        "tier_changed": "i cambi del tuo livello VIP",
        "birthday": "gli auguri di compleanno",
        "referral_invite": "gli inviti dei tuoi amici",
        "referral_friend_code": "il tuo codice di benvenuto",
        "referral_rewarded": "i premi per gli amici invitati",
        "privacy_request_confirm": "la conferma delle tue richieste sulla privacy",
        "privacy_export_ready": "le copie dei tuoi dati",
    },
    "reasons": {
        "order": "Ordine n. {number}",
        "purchase": "Acquisto",
        "signup": "Registrazione",
        "newsletter": "Newsletter",
        "birthday": "Compleanno",
        "review": "Recensione",
        "referral": "Premio per l'invito",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — da {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Hai guadagnato {{ points|points }} su {{ shop_name }}",
            "body": [
                "Ottime notizie: hai appena guadagnato <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Grazie di far parte del nostro programma fedeltà!",
            ],
            "sms": "{{ shop_name }}: hai guadagnato {{ points|points }} ({{ reason }}). "
            "Saldo: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "I tuoi punti scadono il {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> del tuo saldo su {{ shop_name }} "
                "{{ plural(points, one='scadrà', other='scadranno') }} il {{ expires_on|date }}.",
                "Concediti un premio prima di allora, così non andranno persi.",
                "@balance",
            ],
            "button": "Scegli un premio",
            "sms": "{{ shop_name }}: {{ points|points }} {{ plural(points, one='scade', other='scadono') }} "
            "il {{ expires_on|date }}. Usali prima che sia tardi!",
        },
        "reward_issued": {
            "subject": "Ecco il tuo premio: {{ reward_title }}",
            "body": [
                "Goditi il tuo premio di {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (valore {{ value|money }}){% endif %}.",
                "@code",
                "Inserisci il codice al momento del pagamento entro il {{ expires_at|datetime }}.",
                "Per ottenerlo hai usato {{ points_spent|points }}.",
                "@balance",
            ],
            "button": "Fai shopping",
            "sms": "{{ shop_name }}: il tuo premio {{ reward_title }} è pronto. Codice: {{ code }}, "
            "valido fino al {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Il tuo codice per {{ reward_title }} sta per scadere",
            "body": [
                "Un promemoria: il tuo codice per <strong>{{ reward_title }}</strong> scade il "
                "{{ expires_at|datetime }}.",
                "@code",
                "E se non riesci a usarlo, nessun problema: i {{ points_spent|points }} che hai usato "
                "torneranno nel tuo saldo.",
            ],
            "button": "Usa il mio codice",
            "sms": "{{ shop_name }}: il codice {{ code }} scade il {{ expires_at|date }}. Se non lo usi, "
            "i tuoi {{ points_spent|points }} tornano nel saldo.",
        },
        "points_returned": {
            "subject": "Abbiamo riaccreditato {{ points|points }} sul tuo saldo",
            "body": [
                "{% if reason == 'failed' %}Non siamo riusciti a completare il tuo premio "
                "<strong>{{ reward_title }}</strong>, quindi abbiamo riaccreditato {{ points|points }} "
                "sul tuo saldo. Ci scusiamo per l'inconveniente!{% else %}Il tuo codice per "
                "<strong>{{ reward_title }}</strong> è scaduto senza essere usato, quindi abbiamo "
                "riaccreditato {{ points|points }} sul tuo saldo.{% endif %}",
                "@balance",
                "Sono pronti per il tuo prossimo premio.",
            ],
            "sms": "{{ shop_name }}: abbiamo riaccreditato {{ points|points }} sul tuo saldo "
            "{% if reason == 'failed' %}(non è stato possibile completare il premio){% else %}(il "
            "codice è scaduto senza essere usato){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Benvenuto nel livello {{ tier_name }}!"
            "{% else %}Il tuo livello VIP è cambiato{% endif %}",
            "body": [
                "{% if direction == 'up' %}Complimenti: ora fai parte del livello "
                "<strong>{{ tier_name }}</strong> di {{ shop_name }}!{% elif tier_name %}Il tuo livello "
                "VIP su {{ shop_name }} ora è <strong>{{ tier_name }}</strong>.{% else %}Il tuo livello "
                "{{ previous_tier_name }} su {{ shop_name }} è terminato.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Grazie per la tua fedeltà.{% else %}Continua ad accumulare "
                "punti per risalire: ogni ordine conta.{% endif %}",
            ],
            "perks_intro": "I tuoi vantaggi:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}ora sei nel livello {{ tier_name }}! "
            "Goditi i nuovi vantaggi.{% elif tier_name %}il tuo livello VIP ora è {{ tier_name }}."
            "{% else %}il tuo livello VIP è terminato.{% endif %}",
        },
        "birthday": {
            "subject": "Buon compleanno da {{ shop_name }}!",
            "body": [
                "Buon compleanno! Tutto il team di {{ shop_name }} ti augura una splendida giornata.",
                (
                    "points",
                    "Per festeggiare, abbiamo aggiunto <strong>{{ points|points }}</strong> al tuo saldo.",
                ),
            ],
            "button": "Fatti un regalo",
            "sms": "Buon compleanno da {{ shop_name }}!{% if points %} Abbiamo aggiunto "
            "{{ points|points }} al tuo saldo.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} al {{ used_percent|number }}%",
            "body": [
                "Il tuo negozio ha usato il <strong>{{ used_percent|number }}%</strong> del limite "
                "{{ limit_name }}.",
                "Al raggiungimento del limite alcune operazioni potrebbero rallentare o fermarsi fino "
                "al ripristino. Trovi i dettagli in LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "L'importazione dei clienti di {{ shop_name }} è terminata",
            "body": [
                "L'importazione dei clienti è terminata. Ecco i risultati:",
                [
                    "Clienti importati: <strong>{{ customers_imported|number }}</strong>",
                    "Punti registrati: <strong>{{ points_imported|number }}</strong>",
                    "Righe rifiutate: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "In LoyalNest puoi vedere perché ogni riga è stata rifiutata."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: il tuo programma fedeltà questa settimana",
            "body": [
                "Ecco com'è andato il tuo programma fedeltà nella settimana dal {{ week_start|date }}:",
                [
                    "Punti guadagnati: <strong>{{ points_earned|number }}</strong>",
                    "Punti riscattati: <strong>{{ points_redeemed|number }}</strong>",
                    "Nuovi iscritti: <strong>{{ new_members|number }}</strong>",
                    "Premi emessi: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Il report completo è disponibile in LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} ti invita su {{ shop_name }}"
            "{% else %}Hai ricevuto un invito da {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> pensa che "
                "{{ shop_name }} ti piacerà e ti invita a scoprirlo.{% else %}Una persona che ti conosce "
                "pensa che {{ shop_name }} ti piacerà e ti invita a scoprirlo.{% endif %}",
                "La tua offerta di benvenuto: <strong>{{ offer }}</strong>.",
                "Viene applicata automaticamente quando acquisti tramite il link qui sotto.",
            ],
            "button": "Voglio l'offerta",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} ti invita"
            "{% else %}hai ricevuto un invito{% endif %}. La tua offerta: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Il tuo codice di benvenuto per {{ shop_name }}",
            "body": [
                "Benvenuto su {{ shop_name }}! Ecco la tua offerta: <strong>{{ offer }}</strong>.",
                "@code",
                "Inserisci il codice al momento del pagamento entro il {{ expires_at|datetime }}. Vale per "
                "un solo ordine.",
            ],
            "button": "Inizia lo shopping",
            "sms": "{{ shop_name }}: il tuo codice di benvenuto {{ code }} ({{ offer }}) è valido fino al "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Hai guadagnato {{ points|points }} con il tuo invito{% else %}Ecco "
            "il premio per il tuo invito{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> ha fatto il primo "
                "ordine su {{ shop_name }} grazie a te.{% else %}Una persona che hai invitato ha fatto il "
                "primo ordine su {{ shop_name }}.{% endif %} Grazie per il passaparola!",
                "{% if points %}Abbiamo aggiunto <strong>{{ points|points }}</strong> al tuo saldo."
                "{% else %}Il tuo premio: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Continua a condividere il tuo link: ogni primo ordine che porta ti fa guadagnare un nuovo "
                "premio.",
            ],
            "sms": "{{ shop_name }}: il tuo invito ti ha fatto guadagnare {% if points %}{{ points|points }}"
            "{% else %}{{ reward_title }}{% endif %}. Grazie!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Conferma la cancellazione dei tuoi dati "
            "su {{ shop_name }}{% else %}Conferma la tua richiesta di una copia dei tuoi "
            "dati{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Abbiamo ricevuto una richiesta di "
                "cancellazione dei dati personali che {{ shop_name }} conserva su di "
                "te.{% else %}Abbiamo ricevuto una richiesta di copia dei dati personali che "
                "{{ shop_name }} conserva su di te.{% endif %} Per essere sicuri che sia partita da "
                "te, confermala con il pulsante qui sotto.",
                "{% if request_type == 'customer_redact' %}<strong>Attenzione:</strong> appena "
                "confermi, il tuo account del programma fedeltà viene chiuso e i tuoi punti "
                "({{ points_forfeited|points }}) vanno persi. <strong>L'operazione non si può "
                "annullare.</strong>{% else %}Dopo la conferma, ti invieremo per email un link per "
                "scaricare i tuoi dati non appena la copia sarà pronta.{% endif %}",
                "Il link è valido fino al {{ link_expires_at|datetime }}.",
                "Se non hai fatto tu questa richiesta, puoi ignorare questa email: non succederà nulla.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Conferma la "
            "cancellazione{% else %}Conferma la richiesta{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "I tuoi dati di {{ shop_name }} sono pronti per il download",
            "body": [
                "La copia dei tuoi dati personali che hai chiesto a {{ shop_name }} è pronta.",
                "Puoi scaricarla fino al {{ expires_at|datetime }}. Dopo quella data, il link e la "
                "copia vengono eliminati.",
                "Il file contiene i tuoi dati personali: conservalo in un posto sicuro.",
            ],
            "button": "Scarica i miei dati",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: l'esportazione dei dati per la richiesta n. {{ request_number }} è "
            "pronta",
            "body": [
                "È stata evasa una richiesta di accesso ai dati di un cliente: l'esportazione è "
                "pronta da scaricare e da consegnare al cliente.",
                [
                    "Richiesta: <strong>n. {{ request_number }}</strong>",
                    "ID cliente Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Ricevuta {% if source == 'storefront' %}dal cliente stesso, nel tuo widget "
                    "fedeltà{% else %}tramite Shopify (richiesta di dati del cliente){% endif %}",
                    "Disponibile fino al: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Dopo quella data, il link e l'esportazione vengono eliminati.",
            ],
            "button": "Scarica l'esportazione",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: la richiesta privacy n. {{ request_number }} è scaduta",
            "body": [
                "La richiesta privacy <strong>n. {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}cancellazione dei dati di un "
                "cliente{% elif request_type == 'shop_redact' %}cancellazione dei dati del tuo "
                "negozio{% else %}richiesta di accesso ai dati di un cliente{% endif %}) non è stata "
                "completata entro il termine di legge, scaduto il {{ due_at|datetime }}.",
                "Controllala in LoyalNest: lì trovi la richiesta e puoi riprovare a eseguirla.",
            ],
        },
    },
}
