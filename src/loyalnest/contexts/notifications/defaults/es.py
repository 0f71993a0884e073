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
        "privacy_request_confirm": "la confirmación de tus solicitudes de privacidad",
        "privacy_export_ready": "las copias de tus datos",
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
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Confirma la eliminación de tus datos en "
            "{{ shop_name }}{% else %}Confirma tu solicitud de una copia de tus datos{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Hemos recibido una solicitud para "
                "eliminar los datos personales que {{ shop_name }} tiene sobre ti.{% else %}Hemos "
                "recibido una solicitud de una copia de los datos personales que {{ shop_name }} "
                "tiene sobre ti.{% endif %} Para asegurarnos de que la hiciste tú, confírmala con el "
                "botón de abajo.",
                "{% if request_type == 'customer_redact' %}<strong>Ten en cuenta:</strong> en cuanto "
                "la confirmes, tu cuenta del programa de recompensas se cerrará y perderás tus "
                "puntos ({{ points_forfeited|points }}). <strong>No se puede "
                "deshacer.</strong>{% else %}Cuando la confirmes, te enviaremos por correo un enlace "
                "para descargar tus datos en cuanto la copia esté lista.{% endif %}",
                "El enlace funciona hasta el {{ link_expires_at|datetime }}.",
                "Si no lo pediste tú, puedes ignorar este correo: no pasará nada.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Confirmar la "
            "eliminación{% else %}Confirmar mi solicitud{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Tus datos de {{ shop_name }} están listos para descargar",
            "body": [
                "La copia de tus datos personales que pediste a {{ shop_name }} ya está lista.",
                "Puedes descargarla hasta el {{ expires_at|datetime }}. Después, el enlace y la "
                "copia se eliminarán.",
                "El archivo contiene tus datos personales: guárdalo en un lugar seguro.",
            ],
            "button": "Descargar mis datos",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: la exportación de datos de la solicitud #{{ request_number }} está "
            "lista",
            "body": [
                "Se ha respondido a una solicitud de datos de un cliente: la exportación de sus "
                "datos está lista para descargarla y entregársela.",
                [
                    "Solicitud: <strong>#{{ request_number }}</strong>",
                    "ID de cliente de Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Recibida {% if source == 'storefront' %}del propio cliente, en tu widget de "
                    "fidelización{% else %}a través de Shopify (solicitud de datos de cliente){% endif %}",
                    "Disponible hasta: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Después de esa fecha, el enlace y la exportación se eliminarán.",
            ],
            "button": "Descargar la exportación",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: la solicitud de privacidad #{{ request_number }} está vencida",
            "body": [
                "La solicitud de privacidad <strong>#{{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}eliminación de los datos de un "
                "cliente{% elif request_type == 'shop_redact' %}eliminación de los datos de tu "
                "tienda{% else %}solicitud de datos de un cliente{% endif %}) no se completó dentro "
                "del plazo legal, que venció el {{ due_at|datetime }}.",
                "Revísala en LoyalNest: allí verás la solicitud y podrás volver a intentarla.",
            ],
        },
    },
}
