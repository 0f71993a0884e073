"""Spanish (tú, as most Spanish-language shops address their customers)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "punto", "many": "puntos", "other": "puntos"},
    "footer": "Recibes este correo porque eres miembro del programa de recompensas de esta tienda.",
    "unsubscribe": "Darme de baja de estos correos",
    "hello": "{% if customer_first_name %}Hola, {{ customer_first_name }}:{% else %}Hola:{% endif %}",
    "hello_staff": "Hola:",
    "balance": "Tu saldo actual es de <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Tu código",
    "shop_button": "Visitar {{ shop_name }}",
    "dashboard_button": "Abrir LoyalNest",
    "footer_guest": "Recibes este correo porque tu dirección se introdujo en el programa de referidos de "
    "esta tienda. No recibirás más correos salvo que los pidas.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Darse de baja",
        "question": "¿Quieres dejar de recibir {channel} sobre {topic}?",
        "button": "Darme de baja",
        "done_title": "Te has dado de baja",
        "done": "Ya no recibirás {channel} sobre {topic}.",
        "refused_title": "Este enlace no funciona",
        "refused": "El enlace para darte de baja no es válido (puede que haya cambiado o "
        "que uno más reciente lo haya sustituido). Usa el enlace de un mensaje "
        "reciente o gestiona tus preferencias en tu cuenta.",
        "email": "correos",
        "sms": "mensajes de texto",
        "any": "estos mensajes",
    },
    "topics": {
        "nudge": "novedades y ofertas de la tienda",
        "points_earned": "los puntos que ganas",
        "points_expiring": "puntos a punto de caducar",
        "reward_issued": "tus códigos de recompensa",
        "reward_code_expiring": "códigos de recompensa a punto de vencer",
        "points_returned": "puntos que te devolvemos",
        "tier_changed": "cambios en tu nivel VIP",
        "birthday": "felicitaciones de cumpleaños",
        "referral_invite": "invitaciones de tus amigos",
        "referral_friend_code": "tu código de bienvenida",
        "referral_rewarded": "recompensas por recomendar a amigos",
    },
    "reasons": {
        "order": "Pedido n.º {number}",
        "purchase": "Compra",
        "signup": "Registro",
        "newsletter": "Boletín",
        "birthday": "Cumpleaños",
        "review": "Reseña",
        "referral": "Recompensa por recomendación",
        "custom": "Bonificación",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — de {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Has ganado {{ points|points }} en {{ shop_name }}",
            "body": [
                "¡Buenas noticias! Acabas de ganar <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Gracias por formar parte de nuestro programa de recompensas.",
            ],
            "sms": "{{ shop_name }}: has ganado {{ points|points }} ({{ reason }}). "
            "Saldo: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Tus puntos caducan el {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> de tu saldo en {{ shop_name }} "
                "{{ plural(points, one='caducará', other='caducarán') }} el {{ expires_on|date }}.",
                "Date un capricho y canjéalos por una recompensa antes de esa fecha.",
                "@balance",
            ],
            "button": "Elegir una recompensa",
            "sms": "{{ shop_name }}: {{ points|points }} {{ plural(points, one='caduca', other='caducan') }} "
            "el {{ expires_on|date }}. ¡Canjéalos antes!",
        },
        "reward_issued": {
            "subject": "Aquí tienes tu recompensa: {{ reward_title }}",
            "body": [
                "Disfruta de tu recompensa de {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (valor: {{ value|money }}){% endif %}.",
                "@code",
                "Introduce este código al finalizar la compra antes del {{ expires_at|datetime }}.",
                "Has canjeado {{ points_spent|points }} por ella.",
                "@balance",
            ],
            "button": "Comprar ahora",
            "sms": "{{ shop_name }}: tu recompensa {{ reward_title }} ya está lista. Código: {{ code }}, "
            "válido hasta el {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Tu código para {{ reward_title }} caduca pronto",
            "body": [
                "Un recordatorio: tu código para <strong>{{ reward_title }}</strong> caduca el "
                "{{ expires_at|datetime }}.",
                "@code",
                "Y si no llegas a usarlo, no te preocupes: los {{ points_spent|points }} que "
                "canjeaste volverán a tu saldo.",
            ],
            "button": "Usar mi código",
            "sms": "{{ shop_name }}: tu código {{ code }} caduca el {{ expires_at|date }}. "
            "Si no lo usas, recuperas tus {{ points_spent|points }}.",
        },
        "points_returned": {
            "subject": "Hemos devuelto {{ points|points }} a tu saldo",
            "body": [
                "{% if reason == 'failed' %}No hemos podido completar tu recompensa "
                "<strong>{{ reward_title }}</strong>, así que hemos devuelto {{ points|points }} a tu "
                "saldo. ¡Disculpa las molestias!{% else %}Tu código para <strong>{{ reward_title }}</strong> "
                "caducó sin usarse, así que hemos devuelto {{ points|points }} a tu saldo.{% endif %}",
                "@balance",
                "Ya puedes usarlos en tu próxima recompensa.",
            ],
            "sms": "{{ shop_name }}: hemos devuelto {{ points|points }} a tu saldo "
            "{% if reason == 'failed' %}(no se pudo completar tu recompensa){% else %}(tu código "
            "caducó sin usarse){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}¡Ya eres {{ tier_name }}!"
            "{% else %}Tu nivel VIP ha cambiado{% endif %}",
            "body": [
                "{% if direction == 'up' %}¡Enhorabuena! Ahora eres miembro <strong>{{ tier_name }}"
                "</strong> de {{ shop_name }}.{% elif tier_name %}Tu nivel VIP en {{ shop_name }} ahora "
                "es <strong>{{ tier_name }}</strong>.{% else %}Tu nivel {{ previous_tier_name }} en "
                "{{ shop_name }} ha terminado.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Gracias por tu fidelidad.{% else %}Sigue sumando puntos "
                "para volver a subir: cada pedido cuenta.{% endif %}",
            ],
            "perks_intro": "Tus ventajas:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}¡ya eres {{ tier_name }}! Disfruta de "
            "tus nuevas ventajas.{% elif tier_name %}tu nivel VIP ahora es {{ tier_name }}.{% else %}"
            "tu nivel VIP ha terminado.{% endif %}",
        },
        "birthday": {
            "subject": "¡Feliz cumpleaños de parte de {{ shop_name }}!",
            "body": [
                "¡Feliz cumpleaños! Todo el equipo de {{ shop_name }} te desea un día estupendo.",
                ("points", "Para celebrarlo, hemos añadido <strong>{{ points|points }}</strong> a tu saldo."),
            ],
            "button": "Date un capricho",
            "sms": "¡Feliz cumpleaños de parte de {{ shop_name }}!{% if points %} Hemos añadido "
            "{{ points|points }} a tu saldo.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} al {{ used_percent|number }} %",
            "body": [
                "Tu tienda ha usado el <strong>{{ used_percent|number }} %</strong> de su límite de "
                "{{ limit_name }}.",
                "Cuando se alcance el límite, algunas acciones pueden ir más lentas o detenerse hasta "
                "que se restablezca. Puedes consultar los detalles en LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Ha terminado la importación de clientes de {{ shop_name }}",
            "body": [
                "La importación de clientes ha terminado. Estos son los resultados:",
                [
                    "Clientes importados: <strong>{{ customers_imported|number }}</strong>",
                    "Puntos registrados: <strong>{{ points_imported|number }}</strong>",
                    "Filas rechazadas: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "En LoyalNest puedes ver por qué se rechazó cada fila."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: tu programa de fidelización esta semana",
            "body": [
                "Así le ha ido a tu programa de recompensas en la semana del {{ week_start|date }}:",
                [
                    "Puntos ganados: <strong>{{ points_earned|number }}</strong>",
                    "Puntos canjeados: <strong>{{ points_redeemed|number }}</strong>",
                    "Nuevos miembros: <strong>{{ new_members|number }}</strong>",
                    "Recompensas emitidas: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Consulta el informe completo en LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} te invita a {{ shop_name }}"
            "{% else %}Tienes una invitación de {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> cree que "
                "{{ shop_name }} te va a encantar y te invita a descubrirla.{% else %}Alguien que te conoce "
                "cree que {{ shop_name }} te va a encantar y te invita a descubrirla.{% endif %}",
                "Tu oferta de bienvenida: <strong>{{ offer }}</strong>.",
                "Se aplica automáticamente cuando compras desde el enlace de abajo.",
            ],
            "button": "Quiero mi oferta",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} te invita"
            "{% else %}tienes una invitación{% endif %}. Tu oferta: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Tu código de bienvenida de {{ shop_name }}",
            "body": [
                "¡Te damos la bienvenida a {{ shop_name }}! Esta es tu oferta: <strong>{{ offer }}</strong>.",
                "@code",
                "Introduce este código al finalizar la compra antes del {{ expires_at|datetime }}. Solo se "
                "puede usar una vez.",
            ],
            "button": "Empezar a comprar",
            "sms": "{{ shop_name }}: tu código de bienvenida {{ code }} ({{ offer }}) es válido hasta el "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Has ganado {{ points|points }} por recomendarnos{% else %}Ya tienes "
            "tu recompensa por recomendarnos{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> ha hecho su primer "
                "pedido en {{ shop_name }} gracias a ti.{% else %}Una persona a la que recomendaste ha "
                "hecho su primer pedido en {{ shop_name }}.{% endif %} ¡Gracias por correr la voz!",
                "{% if points %}Hemos añadido <strong>{{ points|points }}</strong> a tu saldo.{% else %}Tu "
                "recompensa: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Sigue compartiendo tu enlace: cada primer pedido que llegue a través de él te da otra "
                "recompensa.",
            ],
            "sms": "{{ shop_name }}: un pedido gracias a tu recomendación te ha dado {% if points %}"
            "{{ points|points }}{% else %}{{ reward_title }}{% endif %}. ¡Gracias!",
        },
    },
}
