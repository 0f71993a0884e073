"""Persian (شما, the polite register Iranian shops use). Zero-width non-joiners (\\u200c)
are written as escapes so they survive editors and review."""

# ruff: noqa: RUF001  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "امتیاز", "other": "امتیاز"},
    "footer": "این ایمیل را دریافت می\u200cکنید، چون عضو باشگاه مشتریان این فروشگاه هستید.",
    "unsubscribe": "لغو اشتراک این ایمیل\u200cها",
    "hello": "{% if customer_first_name %}سلام {{ customer_first_name }} عزیز،{% else %}سلام،{% endif %}",
    "hello_staff": "سلام،",
    "balance": "موجودی فعلی شما: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "کد شما",
    "shop_button": "رفتن به {{ shop_name }}",
    "dashboard_button": "باز کردن LoyalNest",
    "footer_guest": "این ایمیل را دریافت می\u200cکنید، چون نشانی شما در برنامهٔ معرفی دوستان این فروشگاه "
    "وارد شده است. تا خودتان نخواهید، ایمیل دیگری نمی\u200cفرستیم.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "لغو اشتراک",
        "question": "دیگر {channel} دربارهٔ «{topic}» دریافت نکنید؟",
        "button": "لغو اشتراک",
        "done_title": "اشتراک شما لغو شد",
        "done": "از این پس {channel} دربارهٔ «{topic}» دریافت نخواهید کرد.",
        "refused_title": "این پیوند کار نمی‌کند",
        "refused": "پیوند لغو اشتراک معتبر نیست (ممکن است تغییر کرده یا با پیوند جدیدتری "
        "جایگزین شده باشد). از پیوند یک پیام جدید استفاده کنید یا تنظیمات خود "
        "را در حساب کاربری‌تان تغییر دهید.",
        "email": "ایمیل",
        "sms": "پیامک",
        "any": "این پیام‌ها",
    },
    "topics": {
        "nudge": "اخبار و پیشنهادهای فروشگاه",
        "points_earned": "امتیازهایی که به دست می‌آورید",
        "points_expiring": "امتیازهای رو به انقضا",
        "reward_issued": "کدهای جایزهٔ شما",
        "reward_code_expiring": "کدهای جایزهٔ رو به انقضا",
        "points_returned": "امتیازهایی که به شما برمی‌گردد",
        "tier_changed": "تغییرات سطح VIP شما",
        "birthday": "تبریک تولد",
        "referral_invite": "دعوت‌نامه‌های دوستانتان",
        "referral_friend_code": "کد خوش‌آمدگویی شما",
        "referral_rewarded": "جایزه‌های معرفی دوستان",
        "privacy_request_confirm": "تأیید درخواست\u200cهای حریم خصوصی شما",
        "privacy_export_ready": "نسخه\u200cهای داده\u200cهای شما",
    },
    "reasons": {
        "order": "سفارش شمارهٔ {number}",
        "purchase": "خرید",
        "signup": "ثبت‌نام",
        "newsletter": "عضویت در خبرنامه",
        "birthday": "تولد",
        "review": "نقد و بررسی",
        "referral": "جایزهٔ معرفی دوستان",
        "custom": "پاداش",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — از {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "{{ points|points }} در {{ shop_name }} به دست آوردید",
            "body": [
                "خبر خوب: همین حالا <strong>{{ points|points }}</strong> به دست آوردید ({{ reason }}).",
                "@balance",
                "از اینکه عضو باشگاه مشتریان ما هستید، سپاسگزاریم!",
            ],
            "sms": "{{ shop_name }}: {{ points|points }} به دست آوردید ({{ reason }}). "
            "موجودی: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "امتیازهای شما در {{ expires_on|date }} منقضی می\u200cشوند",
            "body": [
                "<strong>{{ points|points }}</strong> از موجودی شما در {{ shop_name }} در تاریخ "
                "{{ expires_on|date }} منقضی می\u200cشود.",
                "پیش از آن، امتیازهایتان را با یک جایزه عوض کنید تا از دست نروند.",
                "@balance",
            ],
            "button": "انتخاب جایزه",
            "sms": "{{ shop_name }}: {{ points|points }} از امتیازهای شما در {{ expires_on|date }} "
            "منقضی می\u200cشود. پیش از آن استفاده کنید!",
        },
        "reward_issued": {
            "subject": "جایزه\u200cتان رسید: {{ reward_title }}",
            "body": [
                "جایزهٔ شما از {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (به ارزش {{ value|money }}){% endif %}.",
                "@code",
                "این کد را تا {{ expires_at|datetime }} هنگام پرداخت وارد کنید.",
                "برای این جایزه {{ points_spent|points }} خرج کردید.",
                "@balance",
            ],
            "button": "شروع خرید",
            "sms": "{{ shop_name }}: جایزهٔ {{ reward_title }} آماده است. کد: {{ code }}، "
            "معتبر تا {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "کد {{ reward_title }} به\u200cزودی منقضی می\u200cشود",
            "body": [
                "یادآوری: کد شما برای <strong>{{ reward_title }}</strong> در {{ expires_at|datetime }} "
                "منقضی می\u200cشود.",
                "@code",
                "اگر فرصت استفاده از آن را پیدا نکردید، نگران نباشید: {{ points_spent|points }} که "
                "برایش خرج کردید به موجودی\u200cتان برمی\u200cگردد.",
            ],
            "button": "استفاده از کد",
            "sms": "{{ shop_name }}: کد {{ code }} در {{ expires_at|date }} منقضی می\u200cشود. اگر "
            "استفاده نشود، {{ points_spent|points }} به شما برمی\u200cگردد.",
        },
        "points_returned": {
            "subject": "{{ points|points }} به موجودی شما برگشت",
            "body": [
                "{% if reason == 'failed' %}متأسفانه نتوانستیم جایزهٔ <strong>{{ reward_title }}</strong> "
                "را تکمیل کنیم، برای همین {{ points|points }} را به موجودی شما برگرداندیم. پوزش "
                "می\u200cخواهیم!{% else %}کد شما برای <strong>{{ reward_title }}</strong> بدون استفاده "
                "منقضی شد، برای همین {{ points|points }} را به موجودی شما برگرداندیم.{% endif %}",
                "@balance",
                "می\u200cتوانید از آن\u200cها برای جایزهٔ بعدی استفاده کنید.",
            ],
            "sms": "{{ shop_name }}: {{ points|points }} به موجودی شما برگشت "
            "{% if reason == 'failed' %}(جایزه تکمیل نشد){% else %}(کد بدون استفاده منقضی شد)"
            "{% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}به سطح {{ tier_name }} خوش آمدید!"
            "{% else %}سطح VIP شما تغییر کرد{% endif %}",
            "body": [
                "{% if direction == 'up' %}تبریک! اکنون عضو سطح <strong>{{ tier_name }}</strong> در "
                "{{ shop_name }} هستید.{% elif tier_name %}سطح VIP شما در {{ shop_name }} اکنون "
                "<strong>{{ tier_name }}</strong> است.{% else %}عضویت شما در سطح {{ previous_tier_name }} "
                "در {{ shop_name }} به پایان رسید.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}از وفاداری شما سپاسگزاریم.{% else %}به جمع کردن امتیاز ادامه "
                "دهید تا دوباره ارتقا پیدا کنید: هر سفارش به حساب می\u200cآید.{% endif %}",
            ],
            "perks_intro": "مزایای شما:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}به سطح {{ tier_name }} خوش آمدید! از "
            "مزایای جدیدتان لذت ببرید.{% elif tier_name %}سطح VIP شما اکنون {{ tier_name }} است."
            "{% else %}عضویت VIP شما به پایان رسید.{% endif %}",
        },
        "birthday": {
            "subject": "تولدتان مبارک از طرف {{ shop_name }}!",
            "body": [
                "تولدتان مبارک! همهٔ ما در {{ shop_name }} روزی فوق\u200cالعاده برایتان آرزو می\u200cکنیم.",
                ("points", "به همین مناسبت، <strong>{{ points|points }}</strong> به موجودی شما اضافه کردیم."),
            ],
            "button": "هدیه\u200cای برای خودتان",
            "sms": "{{ shop_name }}: تولدتان مبارک!{% if points %} {{ points|points }} به موجودی شما "
            "اضافه کردیم.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: مصرف {{ limit_name }} به {{ used_percent|number }}٪ رسید",
            "body": [
                "فروشگاه شما <strong>{{ used_percent|number }}٪</strong> از سقف {{ limit_name }} را مصرف "
                "کرده است.",
                "با رسیدن به سقف، برخی عملیات ممکن است تا بازنشانی آن کند یا متوقف شوند. جزئیات را در "
                "LoyalNest ببینید.",
            ],
        },
        "import_finished": {
            "subject": "درون\u200cریزی مشتریان {{ shop_name }} به پایان رسید",
            "body": [
                "درون\u200cریزی مشتریان به پایان رسید. نتیجه:",
                [
                    "مشتریان درون\u200cریزی\u200cشده: <strong>{{ customers_imported|number }}</strong>",
                    "امتیازهای ثبت\u200cشده: <strong>{{ points_imported|number }}</strong>",
                    "ردیف\u200cهای ردشده: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "دلیل رد شدن هر ردیف را در LoyalNest ببینید."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: باشگاه مشتریان شما در این هفته",
            "body": [
                "عملکرد باشگاه مشتریان شما در هفته\u200cای که از {{ week_start|date }} آغاز شد:",
                [
                    "امتیازهای کسب\u200cشده: <strong>{{ points_earned|number }}</strong>",
                    "امتیازهای استفاده\u200cشده: <strong>{{ points_redeemed|number }}</strong>",
                    "اعضای جدید: <strong>{{ new_members|number }}</strong>",
                    "جایزه\u200cهای صادرشده: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "گزارش کامل در LoyalNest در دسترس است.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}دعوت {{ advocate_first_name }} به {{ shop_name }}"
            "{% else %}دعوت\u200cنامه\u200cای از {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> مطمئن است از "
                "{{ shop_name }} خوشتان می\u200cآید و شما را به آشنایی با آن دعوت کرده است.{% else %}یکی از "
                "آشنایان شما مطمئن است از {{ shop_name }} خوشتان می\u200cآید و شما را به آشنایی با آن دعوت "
                "کرده است.{% endif %}",
                "پیشنهاد خوش\u200cآمدگویی شما: <strong>{{ offer }}</strong>.",
                "اگر از پیوند زیر خرید کنید، این پیشنهاد خودکار اعمال می\u200cشود.",
            ],
            "button": "دریافت پیشنهاد",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} شما را دعوت کرده"
            "{% else %}یک دعوت\u200cنامه دارید{% endif %}. پیشنهاد شما: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "کد خوش\u200cآمدگویی شما در {{ shop_name }}",
            "body": [
                "به {{ shop_name }} خوش آمدید! پیشنهاد شما: <strong>{{ offer }}</strong>.",
                "@code",
                "این کد را تا {{ expires_at|datetime }} هنگام پرداخت وارد کنید. فقط یک بار قابل استفاده است.",
            ],
            "button": "شروع خرید",
            "sms": "{{ shop_name }}: کد خوش\u200cآمدگویی شما {{ code }} ({{ offer }})، معتبر تا "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}{{ points|points }} برای معرفی دوستتان به دست آوردید{% else %}جایزهٔ "
            "معرفی شما رسید{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> با معرفی شما اولین خرید "
                "خود را از {{ shop_name }} انجام داد.{% else %}یکی از کسانی که معرفی کردید اولین خرید خود "
                "را از {{ shop_name }} انجام داد.{% endif %} از اینکه ما را معرفی می\u200cکنید سپاسگزاریم!",
                "{% if points %}<strong>{{ points|points }}</strong> به موجودی شما اضافه کردیم.{% else %}"
                "جایزهٔ شما: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "پیوندتان را باز هم به اشتراک بگذارید: هر اولین خریدی که از آن برسد، جایزهٔ تازه\u200cای "
                "برایتان دارد.",
            ],
            "sms": "{{ shop_name }}: معرفی شما {% if points %}{{ points|points }}{% else %}"
            "{{ reward_title }}{% endif %} برایتان به همراه داشت. سپاسگزاریم!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}حذف داده\u200cهای خود در {{ shop_name }} "
            "را تأیید کنید{% else %}درخواست نسخه\u200cای از داده\u200cهای خود را تأیید "
            "کنید{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}درخواستی برای حذف اطلاعات شخصی\u200cای که "
                "{{ shop_name }} درباره شما نگه می\u200cدارد به دست ما رسیده است.{% else %}درخواستی "
                "برای دریافت یک نسخه از اطلاعات شخصی\u200cای که {{ shop_name }} درباره شما نگه "
                "می\u200cدارد به دست ما رسیده است.{% endif %} برای اطمینان از اینکه این درخواست از "
                "طرف خود شماست، لطفاً آن را با دکمه زیر تأیید کنید.",
                "{% if request_type == 'customer_redact' %}<strong>توجه:</strong> پس از تأیید، حساب "
                "باشگاه مشتریان شما بسته می\u200cشود و امتیازهایتان ({{ points_forfeited|points }}) "
                "از بین می\u200cرود. <strong>این کار برگشت\u200cپذیر نیست.</strong>{% else %}پس از "
                "تأیید، به محض آماده شدن نسخه، پیوند دانلود داده\u200cهایتان را برایتان ایمیل "
                "می\u200cکنیم.{% endif %}",
                "این پیوند تا {{ link_expires_at|datetime }} معتبر است.",
                "اگر این درخواست را شما نداده\u200cاید، می\u200cتوانید این ایمیل را نادیده بگیرید: "
                "هیچ اتفاقی نمی\u200cافتد.",
            ],
            "button": "{% if request_type == 'customer_redact' %}تأیید حذف{% else %}تأیید درخواست{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "داده\u200cهای شما در {{ shop_name }} آماده دانلود است",
            "body": [
                "نسخه اطلاعات شخصی\u200cتان که از {{ shop_name }} درخواست کرده بودید آماده است.",
                "می\u200cتوانید آن را تا {{ expires_at|datetime }} دانلود کنید. پس از آن، پیوند و "
                "نسخه حذف می\u200cشوند.",
                "این فایل حاوی اطلاعات شخصی شماست: آن را در جای امنی نگه دارید.",
            ],
            "button": "دانلود داده\u200cهای من",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: خروجی داده\u200cهای درخواست شماره {{ request_number }} آماده است",
            "body": [
                "به درخواست داده یکی از مشتریان پاسخ داده شد: فایل خروجی آماده دانلود و تحویل به مشتری است.",
                [
                    "درخواست: <strong>شماره {{ request_number }}</strong>",
                    "شناسه مشتری در Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "منبع: {% if source == 'storefront' %}خود مشتری، از طریق ابزارک باشگاه مشتریان "
                    "فروشگاه شما{% else %}Shopify (درخواست داده مشتری){% endif %}",
                    "در دسترس تا: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "پس از این تاریخ، پیوند و فایل خروجی حذف می\u200cشوند.",
            ],
            "button": "دانلود فایل خروجی",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: مهلت درخواست حریم خصوصی شماره {{ request_number }} گذشته است",
            "body": [
                "درخواست حریم خصوصی <strong>شماره {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}حذف داده\u200cهای یک "
                "مشتری{% elif request_type == 'shop_redact' %}حذف داده\u200cهای فروشگاه "
                "شما{% else %}درخواست یک مشتری برای دریافت داده\u200cهایش{% endif %}) در مهلت "
                "قانونی، که {{ due_at|datetime }} به پایان رسید، تکمیل نشده است.",
                "لطفاً آن را در LoyalNest بررسی کنید: درخواست در آنجا نمایش داده می\u200cشود و "
                "می\u200cتوانید دوباره اجرایش کنید.",
            ],
        },
    },
}
