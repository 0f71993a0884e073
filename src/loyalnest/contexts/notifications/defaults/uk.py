"""Ukrainian (ви, the polite register; phrasing keeps numerals and verbs in agreement)."""

# ruff: noqa: RUF001  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "бал", "few": "бали", "many": "балів", "other": "бала"},
    "footer": "Ви отримали цей лист, тому що берете участь у програмі лояльності цього магазину.",
    "unsubscribe": "Відписатися від цих листів",
    "hello": "{% if customer_first_name %}Вітаємо, {{ customer_first_name }}!{% else %}Вітаємо!{% endif %}",
    "hello_staff": "Вітаємо!",
    "balance": "Ваш баланс: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Ваш код",
    "shop_button": "Перейти до {{ shop_name }}",
    "dashboard_button": "Відкрити LoyalNest",
    "footer_guest": "Ви отримали цей лист, тому що вашу адресу вказали в реферальній програмі цього "
    "магазину. Інших листів не буде, якщо ви самі про них не попросите.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Відписка",
        "question": "Більше не отримувати {channel} на тему «{topic}»?",
        "button": "Відписатися",
        "done_title": "Ви відписалися",
        "done": "Ви більше не отримуватимете {channel} на тему «{topic}».",
        "refused_title": "Це посилання не працює",
        "refused": "Посилання для відписки недійсне (можливо, його змінили або замінили "
        "новішим). Скористайтеся посиланням з нещодавнього повідомлення або "
        "змініть налаштування у своєму обліковому записі.",
        "email": "листи",
        "sms": "SMS",
        "any": "ці повідомлення",
    },
    "topics": {
        "nudge": "новини та пропозиції магазину",
        "points_earned": "нараховані бали",
        "points_expiring": "бали, що згорають",
        "reward_issued": "коди винагород",
        "reward_code_expiring": "коди винагород, що спливають",
        "points_returned": "повернені бали",
        "tier_changed": "зміни VIP-рівня",
        "birthday": "привітання з днем народження",
        "referral_invite": "запрошення від друзів",
        "referral_friend_code": "вітальний код",
        "referral_rewarded": "винагороди за запрошених друзів",
        "privacy_request_confirm": "підтвердження ваших запитів щодо персональних даних",
        "privacy_export_ready": "копії ваших даних",
    },
    "reasons": {
        "order": "Замовлення № {number}",
        "purchase": "Покупка",
        "signup": "Реєстрація",
        "newsletter": "Підписка на розсилку",
        "birthday": "День народження",
        "review": "Відгук",
        "referral": "Винагорода за запрошення",
        "custom": "Бонус",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — від {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "{{ shop_name }}: ми нарахували вам {{ points|points }}",
            "body": [
                "Чудові новини: ми нарахували вам <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Дякуємо, що берете участь у нашій програмі лояльності!",
            ],
            "sms": "{{ shop_name }}: ми нарахували вам {{ points|points }} ({{ reason }}). "
            "Баланс: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Ваші бали згорять {{ expires_on|date }}",
            "body": [
                "{{ expires_on|date }} на вашому рахунку в магазині {{ shop_name }} "
                "{{ plural(points, one='згорить', few='згорять', many='згорять', other='згорить') }} "
                "<strong>{{ points|points }}</strong>.",
                "Оберіть винагороду до цього дня, щоб вони не пропали.",
                "@balance",
            ],
            "button": "Обрати винагороду",
            "sms": "{{ shop_name }}: {{ expires_on|date }} "
            "{{ plural(points, one='згорить', few='згорять', many='згорять', other='згорить') }} "
            "{{ points|points }}. Встигніть використати!",
        },
        "reward_issued": {
            "subject": "Ваша винагорода готова: {{ reward_title }}",
            "body": [
                "Ваша винагорода від {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (номінал {{ value|money }}){% endif %}.",
                "@code",
                "Введіть цей код під час оформлення замовлення до {{ expires_at|datetime }}.",
                "Ви обміняли на неї {{ points_spent|points }}.",
                "@balance",
            ],
            "button": "До покупок",
            "sms": "{{ shop_name }}: винагорода {{ reward_title }} готова. Код {{ code }} "
            "діє до {{ expires_at|date }}",
        },
        "reward_code_expiring": {
            "subject": "Ваш код на {{ reward_title }} скоро закінчиться",
            "body": [
                "Нагадуємо: ваш код на <strong>{{ reward_title }}</strong> діє до {{ expires_at|datetime }}.",
                "@code",
                "А якщо не встигнете ним скористатися, не хвилюйтеся: ми повернемо вам "
                "{{ points_spent|points }}, витрачені на нього.",
            ],
            "button": "Використати код",
            "sms": "{{ shop_name }}: код {{ code }} діє до {{ expires_at|date }} — не встигнете "
            "ним скористатися? Повернемо вам {{ points_spent|points }}.",
        },
        "points_returned": {
            "subject": "Ми повернули вам {{ points|points }}",
            "body": [
                "{% if reason == 'failed' %}Не вдалося оформити вашу винагороду "
                "<strong>{{ reward_title }}</strong>, тому ми повернули вам {{ points|points }}. "
                "Перепрошуємо!{% else %}Ваш код на <strong>{{ reward_title }}</strong> закінчився "
                "невикористаним, тому ми повернули вам {{ points|points }}.{% endif %}",
                "@balance",
                "Їх можна витратити на наступну винагороду.",
            ],
            "sms": "{{ shop_name }}: ми повернули вам {{ points|points }} "
            "{% if reason == 'failed' %}(винагороду не вдалося оформити){% else %}(код закінчився "
            "невикористаним){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Ласкаво просимо на рівень {{ tier_name }}!"
            "{% else %}Ваш VIP-рівень змінився{% endif %}",
            "body": [
                "{% if direction == 'up' %}Вітаємо: тепер ваш рівень у магазині {{ shop_name }}: "
                "<strong>{{ tier_name }}</strong>!{% elif tier_name %}Ваш VIP-рівень у магазині "
                "{{ shop_name }} тепер <strong>{{ tier_name }}</strong>.{% else %}Ваш рівень "
                "{{ previous_tier_name }} у магазині {{ shop_name }} завершено.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Дякуємо за вашу відданість.{% else %}Накопичуйте бали далі, "
                "щоб знову піднятися: кожне замовлення має значення.{% endif %}",
            ],
            "perks_intro": "Ваші привілеї:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}вітаємо з рівнем {{ tier_name }}! "
            "На вас чекають нові привілеї.{% elif tier_name %}ваш VIP-рівень тепер {{ tier_name }}."
            "{% else %}ваш VIP-рівень завершено.{% endif %}",
        },
        "birthday": {
            "subject": "{{ shop_name }} вітає вас із днем народження!",
            "body": [
                "З днем народження! Уся команда {{ shop_name }} бажає вам чудового дня.",
                ("points", "На честь свята ми нарахували вам <strong>{{ points|points }}</strong>."),
            ],
            "button": "Потішити себе",
            "sms": "{{ shop_name }} вітає вас із днем народження!{% if points %} Даруємо вам "
            "{{ points|points }}.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} використано на {{ used_percent|number }}%",
            "body": [
                "Ваш магазин використав <strong>{{ used_percent|number }}%</strong> ліміту {{ limit_name }}.",
                "Коли ліміт буде вичерпано, деякі операції можуть сповільнитися або призупинитися до "
                "його оновлення. Подробиці в LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Імпорт клієнтів магазину {{ shop_name }} завершено",
            "body": [
                "Імпорт клієнтів завершено. Результати:",
                [
                    "Імпортовано клієнтів: <strong>{{ customers_imported|number }}</strong>",
                    "Нараховано балів: <strong>{{ points_imported|number }}</strong>",
                    "Відхилено рядків: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "Причину відхилення кожного рядка можна переглянути в LoyalNest."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: ваша програма лояльності за тиждень",
            "body": [
                "Підсумки вашої програми лояльності за тиждень від {{ week_start|date }}:",
                [
                    "Нараховано балів: <strong>{{ points_earned|number }}</strong>",
                    "Витрачено балів: <strong>{{ points_redeemed|number }}</strong>",
                    "Нових учасників: <strong>{{ new_members|number }}</strong>",
                    "Видано винагород: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Повний звіт доступний у LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} запрошує вас до "
            "{{ shop_name }}{% else %}Запрошення до магазину {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> радить вам "
                "{{ shop_name }} і запрошує зазирнути до нас.{% else %}Ваш знайомий радить вам "
                "{{ shop_name }} і запрошує зазирнути до нас.{% endif %}",
                "Ваш вітальний подарунок: <strong>{{ offer }}</strong>.",
                "Він застосується автоматично, якщо перейти до магазину за посиланням нижче.",
            ],
            "button": "Отримати подарунок",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} запрошує вас"
            "{% else %}запрошення для вас{% endif %}. Подарунок: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Ваш вітальний код у {{ shop_name }}",
            "body": [
                "Ласкаво просимо до {{ shop_name }}! Ваш подарунок: <strong>{{ offer }}</strong>.",
                "@code",
                "Введіть цей код під час оформлення замовлення до {{ expires_at|datetime }}. Код діє для "
                "одного замовлення.",
            ],
            "button": "До покупок",
            "sms": "{{ shop_name }}: ваш вітальний код {{ code }} ({{ offer }}) діє до {{ expires_at|date }}",
        },
        "referral_rewarded": {
            "subject": "{% if points %}{{ shop_name }}: ми нарахували вам {{ points|points }} за "
            "рекомендацію{% else %}{{ shop_name }}: винагорода за рекомендацію{% endif %}",
            "body": [
                "{% if friend_first_name %}За вашою рекомендацією до нас надійшло перше замовлення від "
                "<strong>{{ friend_first_name }}</strong>.{% else %}За вашою рекомендацією до "
                "{{ shop_name }} надійшло перше замовлення.{% endif %} Дякуємо, що розповідаєте про нас!",
                "{% if points %}Ми нарахували вам <strong>{{ points|points }}</strong>.{% else %}Ваша "
                "винагорода: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Діліться посиланням і далі: за кожне перше замовлення за ним на вас чекає нова винагорода.",
            ],
            "sms": "{{ shop_name }}: за рекомендацію {% if points %}ми нарахували вам {{ points|points }}"
            "{% else %}ваша винагорода: {{ reward_title }}{% endif %}. Дякуємо!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Підтвердьте видалення ваших даних у "
            "{{ shop_name }}{% else %}Підтвердьте запит на копію ваших даних{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Ми отримали запит на видалення "
                "персональних даних, які {{ shop_name }} зберігає про вас.{% else %}Ми отримали "
                "запит на копію персональних даних, які {{ shop_name }} зберігає про вас.{% endif %} "
                "Щоб переконатися, що запит надіслали саме ви, підтвердьте його кнопкою нижче.",
                "{% if request_type == 'customer_redact' %}<strong>Зверніть увагу:</strong> після "
                "підтвердження ваш обліковий запис у програмі лояльності буде закрито, а ваші бали "
                "({{ points_forfeited|points }}) згорять. <strong>Скасувати це буде "
                "неможливо.</strong>{% else %}Після підтвердження ми надішлемо вам посилання для "
                "завантаження даних, щойно копія буде готова.{% endif %}",
                "Посилання дійсне до {{ link_expires_at|datetime }}.",
                "Якщо ви нічого не запитували, просто проігноруйте цей лист: нічого не станеться.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Підтвердити "
            "видалення{% else %}Підтвердити запит{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Ваші дані з {{ shop_name }} готові до завантаження",
            "body": [
                "Копія ваших персональних даних, яку ви запросили в {{ shop_name }}, готова.",
                "Завантажити її можна до {{ expires_at|datetime }}. Після цього посилання й копію "
                "буде видалено.",
                "Файл містить ваші персональні дані: зберігайте його в надійному місці.",
            ],
            "button": "Завантажити мої дані",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: вивантаження даних за запитом № {{ request_number }} готове",
            "body": [
                "Запит клієнта на отримання його даних виконано: вивантаження можна завантажити й "
                "передати клієнтові.",
                [
                    "Запит: <strong>№ {{ request_number }}</strong>",
                    "ID клієнта в Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Надійшов {% if source == 'storefront' %}від самого клієнта через віджет програми "
                    "лояльності{% else %}через Shopify (запит клієнта на дані){% endif %}",
                    "Доступне до: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Після цього посилання й вивантаження буде видалено.",
            ],
            "button": "Завантажити файл",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: запит щодо персональних даних № {{ request_number }} прострочено",
            "body": [
                "Запит щодо персональних даних <strong>№ {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}видалення даних "
                "клієнта{% elif request_type == 'shop_redact' %}видалення даних вашого "
                "магазину{% else %}запит клієнта на отримання його даних{% endif %}) не виконано у "
                "встановлений законом строк, який минув {{ due_at|datetime }}.",
                "Перевірте його в LoyalNest: там відображається запит, і його можна запустити повторно.",
            ],
        },
    },
}
