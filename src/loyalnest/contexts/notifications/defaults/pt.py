"""Portuguese (você, understood in Brazil and Portugal alike)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "ponto", "many": "pontos", "other": "pontos"},
    "footer": "Você está recebendo este e-mail porque participa do programa de fidelidade desta loja.",
    "unsubscribe": "Cancelar a inscrição nestes e-mails",
    "hello": "{% if customer_first_name %}Olá, {{ customer_first_name }}!{% else %}Olá!{% endif %}",
    "hello_staff": "Olá,",
    "balance": "Seu saldo agora é de <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Seu código",
    "shop_button": "Visitar {{ shop_name }}",
    "dashboard_button": "Abrir o LoyalNest",
    "footer_guest": "Você está recebendo este e-mail porque seu endereço foi informado no programa de "
    "indicação desta loja. Você não receberá outros e-mails a menos que peça.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Cancelar inscrição",
        "question": "Deixar de receber {channel} sobre {topic}?",
        "button": "Cancelar inscrição",
        "done_title": "Sua inscrição foi cancelada",
        "done": "Você não vai mais receber {channel} sobre {topic}.",
        "refused_title": "Este link não funciona",
        "refused": "O link de cancelamento não é válido (ele pode ter sido alterado ou "
        "substituído por um mais recente). Use o link de uma mensagem recente "
        "ou gerencie suas preferências na sua conta.",
        "email": "e-mails",
        "sms": "mensagens de texto",
        "any": "estas mensagens",
    },
    "topics": {
        "nudge": "novidades e ofertas da loja",
        "points_earned": "os pontos que você ganha",
        "points_expiring": "pontos prestes a expirar",
        "reward_issued": "seus códigos de recompensa",
        "reward_code_expiring": "códigos de recompensa prestes a vencer",
        "points_returned": "pontos devolvidos a você",
        "tier_changed": "mudanças no seu nível VIP",
        "birthday": "mensagens de aniversário",
        "referral_invite": "convites dos seus amigos",
        "referral_friend_code": "seu código de boas-vindas",
        "referral_rewarded": "recompensas por indicar amigos",
        "privacy_request_confirm": "a confirmação dos seus pedidos de privacidade",
        "privacy_export_ready": "as cópias dos seus dados",
    },
    "reasons": {
        "order": "Pedido nº {number}",
        "purchase": "Compra",
        "signup": "Cadastro",
        "newsletter": "Newsletter",
        "birthday": "Aniversário",
        "review": "Avaliação",
        "referral": "Recompensa por indicação",
        "custom": "Bônus",
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
            "subject": "Você ganhou {{ points|points }} na {{ shop_name }}",
            "body": [
                "Boa notícia: você acabou de ganhar <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Obrigado por fazer parte do nosso programa de fidelidade!",
            ],
            "sms": "{{ shop_name }}: você ganhou {{ points|points }} ({{ reason }}). "
            "Saldo: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Seus pontos expiram em {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> do seu saldo na {{ shop_name }} "
                "{{ plural(points, one='vai expirar', other='vão expirar') }} em {{ expires_on|date }}.",
                "Escolha uma recompensa antes disso para não perdê-los.",
                "@balance",
            ],
            "button": "Escolher uma recompensa",
            "sms": "{{ shop_name }}: {{ points|points }} {{ plural(points, one='expira', other='expiram') }} "
            "em {{ expires_on|date }}. Use antes que seja tarde!",
        },
        "reward_issued": {
            "subject": "Sua recompensa chegou: {{ reward_title }}",
            "body": [
                "Aproveite sua recompensa da {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (no valor de {{ value|money }}){% endif %}.",
                "@code",
                "Use este código no checkout até {{ expires_at|datetime }}.",
                "Você trocou {{ points_spent|points }} por ela.",
                "@balance",
            ],
            "button": "Comprar agora",
            "sms": "{{ shop_name }}: sua recompensa {{ reward_title }} está pronta. Código: {{ code }}, "
            "válido até {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Seu código de {{ reward_title }} expira em breve",
            "body": [
                "Um lembrete: seu código de <strong>{{ reward_title }}</strong> expira em "
                "{{ expires_at|datetime }}.",
                "@code",
                "E se você não conseguir usá-lo, tudo bem: os {{ points_spent|points }} que você trocou "
                "voltam para o seu saldo.",
            ],
            "button": "Usar meu código",
            "sms": "{{ shop_name }}: o código {{ code }} expira em {{ expires_at|date }}. Se não usar, "
            "seus {{ points_spent|points }} voltam para o saldo.",
        },
        "points_returned": {
            "subject": "Devolvemos {{ points|points }} ao seu saldo",
            "body": [
                "{% if reason == 'failed' %}Não conseguimos concluir sua recompensa "
                "<strong>{{ reward_title }}</strong>, então devolvemos {{ points|points }} ao seu saldo. "
                "Desculpe pelo transtorno!{% else %}Seu código de <strong>{{ reward_title }}</strong> "
                "expirou sem ser usado, então devolvemos {{ points|points }} ao seu saldo.{% endif %}",
                "@balance",
                "Eles já estão prontos para a sua próxima recompensa.",
            ],
            "sms": "{{ shop_name }}: devolvemos {{ points|points }} ao seu saldo "
            "{% if reason == 'failed' %}(não foi possível concluir sua recompensa){% else %}(seu "
            "código expirou sem uso){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Boas-vindas ao nível {{ tier_name }}!"
            "{% else %}Seu nível VIP mudou{% endif %}",
            "body": [
                "{% if direction == 'up' %}Parabéns: agora você faz parte do nível "
                "<strong>{{ tier_name }}</strong> da {{ shop_name }}!{% elif tier_name %}Seu nível VIP "
                "na {{ shop_name }} agora é <strong>{{ tier_name }}</strong>.{% else %}Seu nível "
                "{{ previous_tier_name }} na {{ shop_name }} chegou ao fim.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Obrigado pela sua fidelidade.{% else %}Continue juntando "
                "pontos para subir de novo: cada pedido conta.{% endif %}",
            ],
            "perks_intro": "Seus benefícios:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}boas-vindas ao nível {{ tier_name }}! "
            "Aproveite seus novos benefícios.{% elif tier_name %}seu nível VIP agora é {{ tier_name }}."
            "{% else %}seu nível VIP chegou ao fim.{% endif %}",
        },
        "birthday": {
            "subject": "Feliz aniversário, com carinho da {{ shop_name }}!",
            "body": [
                "Feliz aniversário! Toda a equipe da {{ shop_name }} deseja a você um dia maravilhoso.",
                ("points", "Para comemorar, adicionamos <strong>{{ points|points }}</strong> ao seu saldo."),
            ],
            "button": "Aproveitar",
            "sms": "Feliz aniversário, com carinho da {{ shop_name }}!{% if points %} Adicionamos "
            "{{ points|points }} ao seu saldo.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} em {{ used_percent|number }}%",
            "body": [
                "Sua loja já usou <strong>{{ used_percent|number }}%</strong> do limite de {{ limit_name }}.",
                "Quando o limite for atingido, algumas ações podem ficar mais lentas ou pausar até que "
                "ele seja renovado. Veja os detalhes no LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "A importação de clientes da {{ shop_name }} foi concluída",
            "body": [
                "Sua importação de clientes foi concluída. Confira o resultado:",
                [
                    "Clientes importados: <strong>{{ customers_imported|number }}</strong>",
                    "Pontos lançados: <strong>{{ points_imported|number }}</strong>",
                    "Linhas recusadas: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "No LoyalNest você vê o motivo de cada linha recusada."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: seu programa de fidelidade nesta semana",
            "body": [
                "Veja como foi seu programa de fidelidade na semana iniciada em {{ week_start|date }}:",
                [
                    "Pontos ganhos: <strong>{{ points_earned|number }}</strong>",
                    "Pontos resgatados: <strong>{{ points_redeemed|number }}</strong>",
                    "Novos membros: <strong>{{ new_members|number }}</strong>",
                    "Recompensas emitidas: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Veja o relatório completo no LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} convida você para a "
            "{{ shop_name }}{% else %}Você recebeu um convite da {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> acha que você vai "
                "adorar a {{ shop_name }} e convida você para conhecer a loja.{% else %}Uma pessoa que "
                "conhece você acha que você vai adorar a {{ shop_name }} e convida você para conhecer a "
                "loja.{% endif %}",
                "Sua oferta de boas-vindas: <strong>{{ offer }}</strong>.",
                "Ela é aplicada automaticamente quando você compra pelo link abaixo.",
            ],
            "button": "Quero minha oferta",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} convida você"
            "{% else %}você recebeu um convite{% endif %}. Sua oferta: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Seu código de boas-vindas da {{ shop_name }}",
            "body": [
                "Boas-vindas à {{ shop_name }}! Esta é a sua oferta: <strong>{{ offer }}</strong>.",
                "@code",
                "Use este código no checkout até {{ expires_at|datetime }}. Ele vale para um único pedido.",
            ],
            "button": "Começar a comprar",
            "sms": "{{ shop_name }}: seu código de boas-vindas {{ code }} ({{ offer }}) é válido até "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Você ganhou {{ points|points }} pela sua indicação{% else %}Chegou a "
            "recompensa pela sua indicação{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> fez o primeiro pedido "
                "na {{ shop_name }} por indicação sua.{% else %}Uma pessoa indicada por você fez o primeiro "
                "pedido na {{ shop_name }}.{% endif %} Obrigado por nos indicar!",
                "{% if points %}Adicionamos <strong>{{ points|points }}</strong> ao seu saldo.{% else %}Sua "
                "recompensa: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Continue compartilhando seu link: cada primeiro pedido que ele trouxer rende uma nova "
                "recompensa.",
            ],
            "sms": "{{ shop_name }}: sua indicação rendeu {% if points %}{{ points|points }}{% else %}"
            "{{ reward_title }}{% endif %} para você. Obrigado!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Confirme a exclusão dos seus dados na "
            "{{ shop_name }}{% else %}Confirme seu pedido de cópia dos seus dados{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Recebemos um pedido para excluir os dados "
                "pessoais que a {{ shop_name }} tem sobre você.{% else %}Recebemos um pedido de "
                "cópia dos dados pessoais que a {{ shop_name }} tem sobre você.{% endif %} Para "
                "garantir que foi você quem pediu, confirme no botão abaixo.",
                "{% if request_type == 'customer_redact' %}<strong>Atenção:</strong> assim que você "
                "confirmar, sua conta no programa de recompensas será encerrada e seus pontos "
                "({{ points_forfeited|points }}) serão perdidos. <strong>Isso não pode ser "
                "desfeito.</strong>{% else %}Depois da confirmação, enviaremos por e-mail um link "
                "para baixar seus dados assim que a cópia estiver pronta.{% endif %}",
                "O link funciona até {{ link_expires_at|datetime }}.",
                "Se não foi você quem pediu, basta ignorar este e-mail: nada vai acontecer.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Confirmar a exclusão{% else %}Confirmar "
            "meu pedido{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Seus dados da {{ shop_name }} estão prontos para download",
            "body": [
                "A cópia dos seus dados pessoais que você pediu à {{ shop_name }} está pronta.",
                "Você pode baixá-la até {{ expires_at|datetime }}. Depois disso, o link e a cópia "
                "serão excluídos.",
                "O arquivo contém seus dados pessoais: guarde-o em um lugar seguro.",
            ],
            "button": "Baixar meus dados",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: a exportação de dados do pedido nº {{ request_number }} está pronta",
            "body": [
                "Um pedido de dados de um cliente foi atendido: a exportação dos dados está pronta "
                "para ser baixada e repassada ao cliente.",
                [
                    "Pedido: <strong>nº {{ request_number }}</strong>",
                    "ID do cliente na Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Recebido {% if source == 'storefront' %}do próprio cliente, no seu widget de "
                    "fidelidade{% else %}pela Shopify (pedido de dados do cliente){% endif %}",
                    "Disponível até: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Depois dessa data, o link e a exportação serão excluídos.",
            ],
            "button": "Baixar a exportação",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: o pedido de privacidade nº {{ request_number }} está atrasado",
            "body": [
                "O pedido de privacidade <strong>nº {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}exclusão dos dados de um "
                "cliente{% elif request_type == 'shop_redact' %}exclusão dos dados da sua "
                "loja{% else %}pedido de dados de um cliente{% endif %}) não foi concluído dentro do "
                "prazo legal, que terminou em {{ due_at|datetime }}.",
                "Verifique-o no LoyalNest: o pedido aparece lá e você pode tentar novamente.",
            ],
        },
    },
}
