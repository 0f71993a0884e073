"""French (vous, the usual register of French-language shops)."""

# ruff: noqa: E501  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "point", "many": "points", "other": "points"},
    "footer": "Vous recevez cet e-mail parce que vous êtes membre du programme de fidélité de cette boutique.",
    "unsubscribe": "Se désabonner de ces e-mails",
    "hello": "{% if customer_first_name %}Bonjour {{ customer_first_name }},{% else %}Bonjour,{% endif %}",
    "hello_staff": "Bonjour,",
    "balance": "Votre solde est maintenant de <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Votre code",
    "shop_button": "Aller sur {{ shop_name }}",
    "dashboard_button": "Ouvrir LoyalNest",
    "footer_guest": "Vous recevez cet e-mail parce que votre adresse a été saisie dans le programme de "
    "parrainage de cette boutique. Vous ne recevrez rien d'autre sans l'avoir demandé.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Se désabonner",
        "question": "Ne plus recevoir {channel} à ce sujet : {topic} ?",
        "button": "Me désabonner",
        "done_title": "Désabonnement confirmé",
        "done": "Vous ne recevrez plus {channel} à ce sujet : {topic}.",
        "refused_title": "Ce lien ne fonctionne pas",
        "refused": "Le lien de désabonnement n'est pas valide (il a peut-être été modifié "
        "ou remplacé par un plus récent). Utilisez le lien d'un message récent "
        "ou gérez vos préférences dans votre compte.",
        "email": "d'e-mails",
        "sms": "de SMS",
        "any": "ces messages",
    },
    "topics": {
        "nudge": "les nouveautés et offres de la boutique",
        "points_earned": "les points que vous gagnez",
        "points_expiring": "les points qui vont expirer",
        "reward_issued": "vos codes de récompense",
        "reward_code_expiring": "les codes de récompense qui vont expirer",
        "points_returned": "les points qui vous sont rendus",
        "tier_changed": "les changements de votre statut VIP",
        "birthday": "les vœux d'anniversaire",
        "referral_invite": "les invitations de vos amis",
        "referral_friend_code": "votre code de bienvenue",
        "referral_rewarded": "les récompenses de parrainage",
        "privacy_request_confirm": "la confirmation de vos demandes liées à vos données",
        "privacy_export_ready": "les copies de vos données",
    },
    "reasons": {
        "order": "Commande nº {number}",
        "purchase": "Achat",
        "signup": "Inscription",
        "newsletter": "Newsletter",
        "birthday": "Anniversaire",
        "review": "Avis",
        "referral": "Récompense de parrainage",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — de la part de {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Vous avez gagné {{ points|points }} chez {{ shop_name }}",
            "body": [
                "Bonne nouvelle : vous venez de gagner <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Merci de faire partie de notre programme de fidélité !",
            ],
            "sms": "{{ shop_name }} : vous avez gagné {{ points|points }} ({{ reason }}). "
            "Solde : {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Vos points expirent le {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> de votre solde chez {{ shop_name }} "
                "{{ plural(points, one='expirera', other='expireront') }} le {{ expires_on|date }}.",
                "Faites-vous plaisir avec une récompense d'ici là pour ne pas les perdre.",
                "@balance",
            ],
            "button": "Choisir une récompense",
            "sms": "{{ shop_name }} : {{ points|points }} {{ plural(points, one='expire', other='expirent') }} "
            "le {{ expires_on|date }}. Utilisez-les d'ici là !",
        },
        "reward_issued": {
            "subject": "Votre récompense est arrivée : {{ reward_title }}",
            "body": [
                "Profitez de votre récompense {{ shop_name }} : <strong>{{ reward_title }}</strong>"
                "{% if value %} (d'une valeur de {{ value|money }}){% endif %}.",
                "@code",
                "Saisissez ce code lors du paiement avant le {{ expires_at|datetime }}.",
                "Vous avez utilisé {{ points_spent|points }} pour l'obtenir.",
                "@balance",
            ],
            "button": "Faire mes achats",
            "sms": "{{ shop_name }} : votre récompense {{ reward_title }} est prête. Code : {{ code }}, "
            "valable jusqu'au {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Votre code pour {{ reward_title }} expire bientôt",
            "body": [
                "Petit rappel : votre code pour <strong>{{ reward_title }}</strong> expire le "
                "{{ expires_at|datetime }}.",
                "@code",
                "Et si vous ne l'utilisez pas à temps, pas d'inquiétude : les {{ points_spent|points }} "
                "utilisés seront recrédités sur votre solde.",
            ],
            "button": "Utiliser mon code",
            "sms": "{{ shop_name }} : votre code {{ code }} expire le {{ expires_at|date }}. Non utilisé, "
            "vos {{ points_spent|points }} vous seront rendus.",
        },
        "points_returned": {
            "subject": "{{ points|points }} recrédités sur votre solde",
            "body": [
                "{% if reason == 'failed' %}Votre récompense <strong>{{ reward_title }}</strong> n'a pas "
                "pu être finalisée : nous avons donc recrédité {{ points|points }} sur votre solde. "
                "Toutes nos excuses !{% else %}Votre code pour <strong>{{ reward_title }}</strong> a "
                "expiré sans être utilisé : nous avons donc recrédité {{ points|points }} sur votre "
                "solde.{% endif %}",
                "@balance",
                "Ils n'attendent plus que votre prochaine récompense.",
            ],
            "sms": "{{ shop_name }} : {{ points|points }} recrédités sur votre solde "
            "{% if reason == 'failed' %}(votre récompense n'a pas pu être finalisée){% else %}(votre "
            "code a expiré sans être utilisé){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Bienvenue au niveau {{ tier_name }} !"
            "{% else %}Votre statut VIP a changé{% endif %}",
            "body": [
                "{% if direction == 'up' %}Félicitations : vous êtes désormais membre "
                "<strong>{{ tier_name }}</strong> chez {{ shop_name }} !{% elif tier_name %}Votre statut "
                "VIP chez {{ shop_name }} est désormais <strong>{{ tier_name }}</strong>.{% else %}Votre "
                "statut {{ previous_tier_name }} chez {{ shop_name }} a pris fin.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Merci pour votre fidélité.{% else %}Continuez à cumuler des "
                "points pour remonter : chaque commande compte.{% endif %}",
            ],
            "perks_intro": "Vos avantages :",
            "sms": "{{ shop_name }} : {% if direction == 'up' %}bienvenue au niveau {{ tier_name }} ! "
            "Profitez de vos nouveaux avantages.{% elif tier_name %}votre statut VIP est désormais "
            "{{ tier_name }}.{% else %}votre statut VIP a pris fin.{% endif %}",
        },
        "birthday": {
            "subject": "Joyeux anniversaire de la part de {{ shop_name }} !",
            "body": [
                "Joyeux anniversaire ! Toute l'équipe de {{ shop_name }} vous souhaite une merveilleuse "
                "journée.",
                (
                    "points",
                    "Pour fêter ça, nous avons ajouté <strong>{{ points|points }}</strong> à votre solde.",
                ),
            ],
            "button": "Se faire plaisir",
            "sms": "Joyeux anniversaire de la part de {{ shop_name }} !{% if points %} Nous avons ajouté "
            "{{ points|points }} à votre solde.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }} : {{ limit_name }} à {{ used_percent|number }} %",
            "body": [
                "Votre boutique a utilisé <strong>{{ used_percent|number }} %</strong> de sa limite "
                "{{ limit_name }}.",
                "Une fois la limite atteinte, certaines opérations peuvent ralentir ou être suspendues "
                "jusqu'à sa réinitialisation. Retrouvez les détails dans LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "L'import de clients de {{ shop_name }} est terminé",
            "body": [
                "Votre import de clients est terminé. Voici le résultat :",
                [
                    "Clients importés : <strong>{{ customers_imported|number }}</strong>",
                    "Points crédités : <strong>{{ points_imported|number }}</strong>",
                    "Lignes refusées : <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "LoyalNest indique pourquoi chaque ligne a été refusée."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }} : votre programme de fidélité cette semaine",
            "body": [
                "Voici le bilan de votre programme de fidélité pour la semaine du {{ week_start|date }} :",
                [
                    "Points gagnés : <strong>{{ points_earned|number }}</strong>",
                    "Points utilisés : <strong>{{ points_redeemed|number }}</strong>",
                    "Nouveaux membres : <strong>{{ new_members|number }}</strong>",
                    "Récompenses émises : <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Retrouvez le rapport complet dans LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} vous invite chez "
            "{{ shop_name }}{% else %}Une invitation à découvrir {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> pense que "
                "{{ shop_name }} va vous plaire et vous invite à la découvrir.{% else %}Un proche pense que "
                "{{ shop_name }} va vous plaire et vous invite à la découvrir.{% endif %}",
                "Votre offre de bienvenue : <strong>{{ offer }}</strong>.",
                "Elle s'applique automatiquement lorsque vous passez par le lien ci-dessous.",
            ],
            "button": "Profiter de l'offre",
            "button_url": "link",
            "sms": "{{ shop_name }} : {% if advocate_first_name %}{{ advocate_first_name }} vous invite"
            "{% else %}une invitation pour vous{% endif %}. Votre offre : {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Votre code de bienvenue chez {{ shop_name }}",
            "body": [
                "Bienvenue chez {{ shop_name }} ! Votre offre : <strong>{{ offer }}</strong>.",
                "@code",
                "Saisissez ce code lors du paiement avant le {{ expires_at|datetime }}. Il est valable pour "
                "une seule commande.",
            ],
            "button": "Commencer mes achats",
            "sms": "{{ shop_name }} : votre code de bienvenue {{ code }} ({{ offer }}) est valable jusqu'au "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Vous avez gagné {{ points|points }} grâce à votre parrainage"
            "{% else %}Votre récompense de parrainage est arrivée{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> a passé sa première "
                "commande chez {{ shop_name }} grâce à vous.{% else %}Une personne que vous avez parrainée "
                "a passé sa première commande chez {{ shop_name }}.{% endif %} Merci de nous recommander !",
                "{% if points %}Nous avons ajouté <strong>{{ points|points }}</strong> à votre solde."
                "{% else %}Votre récompense : <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Continuez à partager votre lien : chaque première commande qu'il apporte vous vaut une "
                "nouvelle récompense.",
            ],
            "sms": "{{ shop_name }} : votre parrainage vous a rapporté {% if points %}{{ points|points }}"
            "{% else %}{{ reward_title }}{% endif %}. Merci !",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Confirmez la suppression de vos données "
            "chez {{ shop_name }}{% else %}Confirmez votre demande de copie de vos "
            "données{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Nous avons reçu une demande de "
                "suppression des données personnelles que {{ shop_name }} détient à votre "
                "sujet.{% else %}Nous avons reçu une demande de copie des données personnelles que "
                "{{ shop_name }} détient à votre sujet.{% endif %} Pour nous assurer qu'elle vient "
                "bien de vous, merci de la confirmer avec le bouton ci-dessous.",
                "{% if request_type == 'customer_redact' %}<strong>Attention :</strong> dès votre "
                "confirmation, votre compte fidélité sera fermé et vos points "
                "({{ points_forfeited|points }}) seront perdus. <strong>Cette action est "
                "irréversible.</strong>{% else %}Une fois votre demande confirmée, nous vous "
                "enverrons par e-mail un lien pour télécharger vos données dès que la copie sera "
                "prête.{% endif %}",
                "Le lien est valable jusqu'au {{ link_expires_at|datetime }}.",
                "Si vous n'êtes pas à l'origine de cette demande, ignorez simplement cet e-mail : "
                "rien ne se passera.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Confirmer la "
            "suppression{% else %}Confirmer ma demande{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Vos données de {{ shop_name }} sont prêtes à être téléchargées",
            "body": [
                "La copie de vos données personnelles que vous avez demandée à {{ shop_name }} est prête.",
                "Vous pouvez la télécharger jusqu'au {{ expires_at|datetime }}. Passé ce délai, le "
                "lien et la copie seront supprimés.",
                "Le fichier contient vos données personnelles : conservez-le en lieu sûr.",
            ],
            "button": "Télécharger mes données",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }} : l'export de données de la demande n° {{ request_number }} est prêt",
            "body": [
                "Une demande d'accès aux données d'un client a été traitée : l'export de ses données "
                "est prêt à être téléchargé et transmis au client.",
                [
                    "Demande : <strong>n° {{ request_number }}</strong>",
                    "ID client Shopify : <strong>{{ shopify_customer_id }}</strong>",
                    "Reçue {% if source == 'storefront' %}du client lui-même, dans votre widget de "
                    "fidélité{% else %}via Shopify (demande de données client){% endif %}",
                    "Disponible jusqu'au : <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Passé ce délai, le lien et l'export seront supprimés.",
            ],
            "button": "Télécharger l'export",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }} : la demande de confidentialité n° {{ request_number }} est en "
            "retard",
            "body": [
                "La demande de confidentialité <strong>n° {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}suppression des données d'un "
                "client{% elif request_type == 'shop_redact' %}suppression des données de votre "
                "boutique{% else %}demande d'accès aux données d'un client{% endif %}) n'a pas été "
                "traitée dans le délai légal, qui a expiré le {{ due_at|datetime }}.",
                "Merci de la vérifier dans LoyalNest : la demande y est affichée et vous pouvez la relancer.",
            ],
        },
    },
}
