"""Russian (вы, the polite register; phrasing keeps numerals and verbs in agreement)."""

# ruff: noqa: E501, RUF001  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "балл", "few": "балла", "many": "баллов", "other": "балла"},
    "footer": "Вы получили это письмо, потому что участвуете в программе лояльности этого магазина.",
    "unsubscribe": "Отписаться от этих писем",
    "hello": "{% if customer_first_name %}Здравствуйте, {{ customer_first_name }}!{% else %}Здравствуйте!{% endif %}",
    "hello_staff": "Здравствуйте!",
    "balance": "Ваш баланс: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Ваш код",
    "shop_button": "Перейти в {{ shop_name }}",
    "dashboard_button": "Открыть LoyalNest",
    "footer_guest": "Вы получили это письмо, потому что ваш адрес указали в реферальной программе этого "
    "магазина. Других писем не будет, если вы сами о них не попросите.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Отписка",
        "question": "Больше не получать {channel} на тему «{topic}»?",
        "button": "Отписаться",
        "done_title": "Вы отписались",
        "done": "Вы больше не будете получать {channel} на тему «{topic}».",
        "refused_title": "Эта ссылка не работает",
        "refused": "Ссылка для отписки недействительна (возможно, её изменили или "
        "заменили более новой). Воспользуйтесь ссылкой из недавнего сообщения "
        "или измените настройки в своём аккаунте.",
        "email": "письма",
        "sms": "SMS",
        "any": "эти сообщения",
    },
    "topics": {
        "nudge": "новости и предложения магазина",
        "points_earned": "начисленные баллы",
        "points_expiring": "сгорающие баллы",
        "reward_issued": "коды наград",
        "reward_code_expiring": "истекающие коды наград",
        "points_returned": "возвращённые баллы",
        "tier_changed": "изменения VIP-уровня",
        "birthday": "поздравления с днём рождения",
        "referral_invite": "приглашения от друзей",
        "referral_friend_code": "приветственный код",
        "referral_rewarded": "награды за приглашённых друзей",
        "privacy_request_confirm": "подтверждение ваших запросов о персональных данных",
        "privacy_export_ready": "копии ваших данных",
    },
    "reasons": {
        "order": "Заказ № {number}",
        "purchase": "Покупка",
        "signup": "Регистрация",
        "newsletter": "Подписка на рассылку",
        "birthday": "День рождения",
        "review": "Отзыв",
        "referral": "Награда за приглашение",
        "custom": "Бонус",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — от {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "{{ shop_name }}: мы начислили вам {{ points|points }}",
            "body": [
                "Отличные новости: мы начислили вам <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Спасибо, что участвуете в нашей программе лояльности!",
            ],
            "sms": "{{ shop_name }}: мы начислили вам {{ points|points }} ({{ reason }}). "
            "Баланс: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Ваши баллы сгорят {{ expires_on|date }}",
            "body": [
                "{{ expires_on|date }} на вашем счёте в магазине {{ shop_name }} "
                "{{ plural(points, one='сгорит', few='сгорят', many='сгорят', other='сгорит') }} "
                "<strong>{{ points|points }}</strong>.",
                "Выберите награду до этого дня, чтобы они не пропали.",
                "@balance",
            ],
            "button": "Выбрать награду",
            "sms": "{{ shop_name }}: {{ expires_on|date }} "
            "{{ plural(points, one='сгорит', few='сгорят', many='сгорят', other='сгорит') }} "
            "{{ points|points }}. Успейте потратить!",
        },
        "reward_issued": {
            "subject": "Ваша награда готова: {{ reward_title }}",
            "body": [
                "Ваша награда от {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (номинал {{ value|money }}){% endif %}.",
                "@code",
                "Введите этот код при оформлении заказа до {{ expires_at|datetime }}.",
                "Вы обменяли на неё {{ points_spent|points }}.",
                "@balance",
            ],
            "button": "За покупками",
            "sms": "{{ shop_name }}: награда {{ reward_title }} готова. Код {{ code }} "
            "действует до {{ expires_at|date }}",
        },
        "reward_code_expiring": {
            "subject": "Ваш код на {{ reward_title }} скоро истечёт",
            "body": [
                "Напоминаем: ваш код на <strong>{{ reward_title }}</strong> действует до "
                "{{ expires_at|datetime }}.",
                "@code",
                "А если не успеете им воспользоваться, не переживайте: мы вернём вам "
                "{{ points_spent|points }}, потраченные на него.",
            ],
            "button": "Использовать код",
            "sms": "{{ shop_name }}: код {{ code }} действует до {{ expires_at|date }} — не успеете "
            "его использовать? Вернём вам {{ points_spent|points }}.",
        },
        "points_returned": {
            "subject": "Мы вернули вам {{ points|points }}",
            "body": [
                "{% if reason == 'failed' %}Не удалось оформить вашу награду "
                "<strong>{{ reward_title }}</strong>, поэтому мы вернули вам {{ points|points }}. "
                "Приносим извинения!{% else %}Ваш код на <strong>{{ reward_title }}</strong> истёк "
                "неиспользованным, поэтому мы вернули вам {{ points|points }}.{% endif %}",
                "@balance",
                "Их можно потратить на следующую награду.",
            ],
            "sms": "{{ shop_name }}: мы вернули вам {{ points|points }} "
            "{% if reason == 'failed' %}(награду не удалось оформить){% else %}(код истёк "
            "неиспользованным){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Добро пожаловать на уровень {{ tier_name }}!"
            "{% else %}Ваш VIP-уровень изменился{% endif %}",
            "body": [
                "{% if direction == 'up' %}Поздравляем: теперь ваш уровень в магазине {{ shop_name }}: "
                "<strong>{{ tier_name }}</strong>!{% elif tier_name %}Ваш VIP-уровень в магазине "
                "{{ shop_name }} теперь <strong>{{ tier_name }}</strong>.{% else %}Ваш уровень "
                "{{ previous_tier_name }} в магазине {{ shop_name }} завершён.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Спасибо за вашу верность.{% else %}Копите баллы дальше, "
                "чтобы снова подняться: каждый заказ на счету.{% endif %}",
            ],
            "perks_intro": "Ваши привилегии:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}поздравляем с уровнем {{ tier_name }}! "
            "Вас ждут новые привилегии.{% elif tier_name %}ваш VIP-уровень теперь {{ tier_name }}."
            "{% else %}ваш VIP-уровень завершён.{% endif %}",
        },
        "birthday": {
            "subject": "{{ shop_name }} поздравляет вас с днём рождения!",
            "body": [
                "С днём рождения! Вся команда {{ shop_name }} желает вам чудесного дня.",
                ("points", "В честь праздника мы начислили вам <strong>{{ points|points }}</strong>."),
            ],
            "button": "Порадовать себя",
            "sms": "{{ shop_name }} поздравляет вас с днём рождения!{% if points %} Дарим вам "
            "{{ points|points }}.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} использован на {{ used_percent|number }} %",
            "body": [
                "Ваш магазин использовал <strong>{{ used_percent|number }} %</strong> лимита "
                "{{ limit_name }}.",
                "Когда лимит будет исчерпан, некоторые операции могут замедлиться или "
                "приостановиться до его сброса. Подробности в LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Импорт клиентов магазина {{ shop_name }} завершён",
            "body": [
                "Импорт клиентов завершён. Результаты:",
                [
                    "Импортировано клиентов: <strong>{{ customers_imported|number }}</strong>",
                    "Начислено баллов: <strong>{{ points_imported|number }}</strong>",
                    "Отклонено строк: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "Причину отклонения каждой строки можно посмотреть в LoyalNest."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: ваша программа лояльности за неделю",
            "body": [
                "Итоги вашей программы лояльности за неделю с {{ week_start|date }}:",
                [
                    "Начислено баллов: <strong>{{ points_earned|number }}</strong>",
                    "Потрачено баллов: <strong>{{ points_redeemed|number }}</strong>",
                    "Новых участников: <strong>{{ new_members|number }}</strong>",
                    "Выдано наград: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Полный отчёт доступен в LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} приглашает вас в "
            "{{ shop_name }}{% else %}Приглашение в магазин {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> советует вам "
                "{{ shop_name }} и приглашает заглянуть к нам.{% else %}Ваш знакомый советует вам "
                "{{ shop_name }} и приглашает заглянуть к нам.{% endif %}",
                "Ваш приветственный подарок: <strong>{{ offer }}</strong>.",
                "Он применится автоматически, если перейти в магазин по ссылке ниже.",
            ],
            "button": "Получить подарок",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} приглашает вас"
            "{% else %}приглашение для вас{% endif %}. Подарок: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Ваш приветственный код в {{ shop_name }}",
            "body": [
                "Добро пожаловать в {{ shop_name }}! Ваш подарок: <strong>{{ offer }}</strong>.",
                "@code",
                "Введите этот код при оформлении заказа до {{ expires_at|datetime }}. Код действует для "
                "одного заказа.",
            ],
            "button": "За покупками",
            "sms": "{{ shop_name }}: ваш приветственный код {{ code }} ({{ offer }}) действует до "
            "{{ expires_at|date }}",
        },
        "referral_rewarded": {
            "subject": "{% if points %}{{ shop_name }}: мы начислили вам {{ points|points }} за рекомендацию"
            "{% else %}{{ shop_name }}: награда за рекомендацию{% endif %}",
            "body": [
                "{% if friend_first_name %}По вашей рекомендации к нам пришёл первый заказ от <strong>"
                "{{ friend_first_name }}</strong>.{% else %}По вашей рекомендации в {{ shop_name }} пришёл "
                "первый заказ.{% endif %} Спасибо, что рассказываете о нас!",
                "{% if points %}Мы начислили вам <strong>{{ points|points }}</strong>.{% else %}Ваша "
                "награда: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Делитесь ссылкой и дальше: за каждый первый заказ по ней вас ждёт новая награда.",
            ],
            "sms": "{{ shop_name }}: за рекомендацию {% if points %}мы начислили вам {{ points|points }}"
            "{% else %}ваша награда: {{ reward_title }}{% endif %}. Спасибо!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Подтвердите удаление ваших данных в "
            "{{ shop_name }}{% else %}Подтвердите запрос на копию ваших данных{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Мы получили запрос на удаление "
                "персональных данных, которые {{ shop_name }} хранит о вас.{% else %}Мы получили "
                "запрос на копию персональных данных, которые {{ shop_name }} хранит о "
                "вас.{% endif %} Чтобы убедиться, что запрос отправили именно вы, подтвердите его "
                "кнопкой ниже.",
                "{% if request_type == 'customer_redact' %}<strong>Обратите внимание:</strong> после "
                "подтверждения ваш аккаунт в программе лояльности будет закрыт, а ваши баллы "
                "({{ points_forfeited|points }}) сгорят. <strong>Отменить это будет "
                "невозможно.</strong>{% else %}После подтверждения мы пришлём вам ссылку для "
                "скачивания данных, как только копия будет готова.{% endif %}",
                "Ссылка действует до {{ link_expires_at|datetime }}.",
                "Если вы ничего не запрашивали, просто проигнорируйте это письмо: ничего не произойдёт.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Подтвердить удаление{% else %}Подтвердить "
            "запрос{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Ваши данные из {{ shop_name }} готовы к скачиванию",
            "body": [
                "Копия ваших персональных данных, которую вы запросили в {{ shop_name }}, готова.",
                "Скачать её можно до {{ expires_at|datetime }}. После этого ссылка и копия будут удалены.",
                "Файл содержит ваши персональные данные: храните его в надёжном месте.",
            ],
            "button": "Скачать мои данные",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: выгрузка данных по запросу № {{ request_number }} готова",
            "body": [
                "Запрос клиента на получение его данных выполнен: выгрузку можно скачать и передать клиенту.",
                [
                    "Запрос: <strong>№ {{ request_number }}</strong>",
                    "ID клиента в Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Поступил {% if source == 'storefront' %}от самого клиента через виджет программы "
                    "лояльности{% else %}через Shopify (запрос клиента на данные){% endif %}",
                    "Доступна до: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "После этого ссылка и выгрузка будут удалены.",
            ],
            "button": "Скачать выгрузку",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: запрос о персональных данных № {{ request_number }} просрочен",
            "body": [
                "Запрос о персональных данных <strong>№ {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}удаление данных "
                "клиента{% elif request_type == 'shop_redact' %}удаление данных вашего "
                "магазина{% else %}запрос клиента на получение его данных{% endif %}) не выполнен в "
                "установленный законом срок, который истёк {{ due_at|datetime }}.",
                "Проверьте его в LoyalNest: там отображается запрос, и его можно запустить повторно.",
            ],
        },
    },
}
