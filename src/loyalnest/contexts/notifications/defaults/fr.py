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
    },
}
