"""Arabic (Modern Standard Arabic; second-person forms chosen so the written text reads the
same for a man or a woman: no imperatives, verbal nouns on buttons)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {
        "zero": "نقطة",
        "one": "نقطة",
        "two": "نقطتان",
        "few": "نقاط",
        "many": "نقطة",
        "other": "نقطة",
    },
    "footer": "تصلك هذه الرسالة لأنك عضو في برنامج المكافآت لدى هذا المتجر.",
    "unsubscribe": "إلغاء الاشتراك في هذه الرسائل",
    "hello": "{% if customer_first_name %}مرحبًا {{ customer_first_name }}،{% else %}مرحبًا،{% endif %}",
    "hello_staff": "مرحبًا،",
    "balance": "رصيدك الحالي: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "رمز الخصم الخاص بك",
    "shop_button": "زيارة {{ shop_name }}",
    "dashboard_button": "فتح LoyalNest",
    "footer_guest": "تصلك هذه الرسالة لأن عنوانك أُدخل في برنامج الإحالة لدى هذا المتجر. لن تصلك رسائل أخرى "
    "إلا إذا طلبتها.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "إلغاء الاشتراك",
        "question": "هل تريد التوقف عن تلقي {channel} بشأن «{topic}»؟",
        "button": "إلغاء الاشتراك",
        "done_title": "تم إلغاء اشتراكك",
        "done": "لن تتلقى {channel} بشأن «{topic}» بعد الآن.",
        "refused_title": "هذا الرابط لا يعمل",
        "refused": "رابط إلغاء الاشتراك غير صالح (ربما تم تغييره أو استبداله برابط أحدث). "
        "استخدم الرابط الموجود في رسالة حديثة، أو أدِر تفضيلاتك من حسابك.",
        "email": "رسائل البريد الإلكتروني",
        "sms": "الرسائل النصية",
        "any": "هذه الرسائل",
    },
    "topics": {
        "nudge": "أخبار وعروض المتجر",
        "points_earned": "النقاط التي تكسبها",
        "points_expiring": "النقاط التي ستنتهي صلاحيتها قريبًا",
        "reward_issued": "رموز مكافآتك",
        "reward_code_expiring": "رموز المكافآت التي ستنتهي قريبًا",
        "points_returned": "النقاط المعادة إليك",
        "tier_changed": "التغييرات في مستوى VIP الخاص بك",
        "birthday": "تهاني عيد الميلاد",
        "referral_invite": "دعوات أصدقائك",
        "referral_friend_code": "رمز الترحيب الخاص بك",
        "referral_rewarded": "مكافآت دعوة الأصدقاء",
        "privacy_request_confirm": "تأكيد طلبات الخصوصية الخاصة بك",
        "privacy_export_ready": "نسخ بياناتك",
    },
    "reasons": {
        "order": "الطلب رقم {number}",
        "purchase": "عملية شراء",
        "signup": "التسجيل",
        "newsletter": "الاشتراك في النشرة البريدية",
        "birthday": "عيد الميلاد",
        "review": "مراجعة",
        "referral": "مكافأة دعوة صديق",
        "custom": "مكافأة إضافية",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — من {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "حصلت على {{ points|points }} من {{ shop_name }}",
            "body": [
                "خبر سار: حصلت للتو على <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "شكرًا لانضمامك إلى برنامج المكافآت لدينا!",
            ],
            "sms": "{{ shop_name }}: حصلت على {{ points|points }} ({{ reason }}). "
            "رصيدك: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "تنتهي صلاحية نقاطك في {{ expires_on|date }}",
            "body": [
                "تنتهي صلاحية <strong>{{ points|points }}</strong> من رصيدك لدى {{ shop_name }} في "
                "{{ expires_on|date }}.",
                "يمكنك استبدالها بمكافأة قبل ذلك الموعد حتى لا تضيع.",
                "@balance",
            ],
            "button": "اختيار مكافأة",
            "sms": "{{ shop_name }}: تنتهي صلاحية {{ points|points }} في {{ expires_on|date }}. "
            "يمكنك استخدامها قبل ذلك!",
        },
        "reward_issued": {
            "subject": "مكافأتك جاهزة: {{ reward_title }}",
            "body": [
                "إليك مكافأتك من {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (بقيمة {{ value|money }}){% endif %}.",
                "@code",
                "يمكنك إدخال هذا الرمز عند الدفع قبل {{ expires_at|datetime }}.",
                "استخدمت {{ points_spent|points }} للحصول عليها.",
                "@balance",
            ],
            "button": "التسوق الآن",
            "sms": "{{ shop_name }}: مكافأتك {{ reward_title }} جاهزة. الرمز: {{ code }}، "
            "صالح حتى {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "رمزك الخاص بـ {{ reward_title }} ينتهي قريبًا",
            "body": [
                "للتذكير: تنتهي صلاحية رمزك الخاص بـ <strong>{{ reward_title }}</strong> في "
                "{{ expires_at|datetime }}.",
                "@code",
                "وإن لم تستخدمه في الوقت المحدد فلا داعي للقلق: ستعود إلى رصيدك النقاط التي "
                "استخدمتها ({{ points_spent|points }}).",
            ],
            "button": "استخدام الرمز",
            "sms": "{{ shop_name }}: ينتهي الرمز {{ code }} في {{ expires_at|date }}. إن لم يُستخدم "
            "فستعود {{ points_spent|points }} إلى رصيدك.",
        },
        "points_returned": {
            "subject": "أعدنا {{ points|points }} إلى رصيدك",
            "body": [
                "{% if reason == 'failed' %}تعذّر علينا إتمام مكافأتك <strong>{{ reward_title }}</strong>، "
                "لذا أعدنا {{ points|points }} إلى رصيدك. نعتذر عن ذلك!{% else %}انتهت صلاحية رمزك الخاص "
                "بـ <strong>{{ reward_title }}</strong> دون استخدام، لذا أعدنا {{ points|points }} إلى "
                "رصيدك.{% endif %}",
                "@balance",
                "يمكنك استخدامها في مكافأتك القادمة.",
            ],
            "sms": "{{ shop_name }}: أعدنا {{ points|points }} إلى رصيدك "
            "{% if reason == 'failed' %}(تعذّر إتمام المكافأة){% else %}(انتهى الرمز دون استخدام)"
            "{% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}مرحبًا بك في مستوى {{ tier_name }}!"
            "{% else %}تغيّر مستواك في برنامج VIP{% endif %}",
            "body": [
                "{% if direction == 'up' %}تهانينا: انتقلت الآن إلى مستوى <strong>{{ tier_name }}</strong> "
                "لدى {{ shop_name }}!{% elif tier_name %}أصبح مستواك في برنامج VIP لدى {{ shop_name }} "
                "الآن <strong>{{ tier_name }}</strong>.{% else %}انتهت عضويتك في مستوى "
                "{{ previous_tier_name }} لدى {{ shop_name }}.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}شكرًا لولائك.{% else %}بإمكانك مواصلة جمع النقاط للعودة إلى "
                "مستوى أعلى، فكل طلب يُحتسب.{% endif %}",
            ],
            "perks_intro": "مزاياك:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}مرحبًا بك في مستوى {{ tier_name }}! "
            "مزايا جديدة بانتظارك.{% elif tier_name %}أصبح مستواك في VIP الآن {{ tier_name }}."
            "{% else %}انتهت عضويتك في مستوى VIP.{% endif %}",
        },
        "birthday": {
            "subject": "عيد ميلاد سعيد من {{ shop_name }}!",
            "body": [
                "عيد ميلاد سعيد! يتمنى لك فريق {{ shop_name }} بأكمله يومًا رائعًا.",
                ("points", "احتفالًا بهذه المناسبة، أضفنا <strong>{{ points|points }}</strong> إلى رصيدك."),
            ],
            "sms": "عيد ميلاد سعيد من {{ shop_name }}!{% if points %} أضفنا {{ points|points }} "
            "إلى رصيدك.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: بلغ استخدام {{ limit_name }} نسبة {{ used_percent|number }}٪",
            "body": [
                "استخدم متجرك <strong>{{ used_percent|number }}٪</strong> من حد {{ limit_name }}.",
                "عند بلوغ الحد، قد تتباطأ بعض العمليات أو تتوقف مؤقتًا حتى تتم إعادة ضبطه. يمكنك "
                "الاطلاع على التفاصيل في LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "اكتمل استيراد عملاء {{ shop_name }}",
            "body": [
                "اكتمل استيراد العملاء. إليك النتائج:",
                [
                    "العملاء المستوردون: <strong>{{ customers_imported|number }}</strong>",
                    "النقاط المسجّلة: <strong>{{ points_imported|number }}</strong>",
                    "الصفوف المرفوضة: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "يمكنك معرفة سبب رفض كل صف في LoyalNest."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: برنامج الولاء هذا الأسبوع",
            "body": [
                "إليك أداء برنامج المكافآت في الأسبوع الذي بدأ في {{ week_start|date }}:",
                [
                    "النقاط المكتسبة: <strong>{{ points_earned|number }}</strong>",
                    "النقاط المستبدلة: <strong>{{ points_redeemed|number }}</strong>",
                    "الأعضاء الجدد: <strong>{{ new_members|number }}</strong>",
                    "المكافآت الصادرة: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "التقرير الكامل متاح في LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}دعوة من {{ advocate_first_name }} إلى {{ shop_name }}"
            "{% else %}دعوة خاصة من {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}وصلتك دعوة من <strong>{{ advocate_first_name }}</strong> "
                "لاكتشاف {{ shop_name }}، فالتسوق لدينا سيعجبك بلا شك.{% else %}وصلتك دعوة من أحد معارفك "
                "لاكتشاف {{ shop_name }}، فالتسوق لدينا سيعجبك بلا شك.{% endif %}",
                "عرض الترحيب الخاص بك: <strong>{{ offer }}</strong>.",
                "يُطبَّق العرض تلقائيًا عند التسوق عبر الرابط أدناه.",
            ],
            "button": "الحصول على العرض",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}دعوة من {{ advocate_first_name }}{% else %}"
            "دعوة خاصة لك{% endif %}. عرضك: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "رمز الترحيب الخاص بك من {{ shop_name }}",
            "body": [
                "أهلًا بك في {{ shop_name }}! عرضك: <strong>{{ offer }}</strong>.",
                "@code",
                "يمكنك إدخال هذا الرمز عند الدفع قبل {{ expires_at|datetime }}. يصلح الرمز لطلب واحد فقط.",
            ],
            "button": "بدء التسوق",
            "sms": "{{ shop_name }}: رمز الترحيب {{ code }} ({{ offer }})، صالح حتى {{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}حصلت على {{ points|points }} مقابل الإحالة{% else %}مكافأة الإحالة "
            "جاهزة{% endif %}",
            "body": [
                "{% if friend_first_name %}وصلنا أول طلب من <strong>{{ friend_first_name }}</strong> بفضل "
                "دعوتك.{% else %}وصلنا أول طلب في {{ shop_name }} بفضل دعوتك.{% endif %} شكرًا لأنك تنصح "
                "بنا!",
                "{% if points %}أضفنا <strong>{{ points|points }}</strong> إلى رصيدك.{% else %}مكافأتك: "
                "<strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "يمكنك مواصلة مشاركة رابطك: كل طلب أول يصل عبره يمنحك مكافأة جديدة.",
            ],
            "sms": "{{ shop_name }}: حصلت على {% if points %}{{ points|points }}{% else %}{{ reward_title }}"
            "{% endif %} مقابل الإحالة. شكرًا لك!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}تأكيد حذف بياناتك لدى "
            "{{ shop_name }}{% else %}تأكيد طلب نسخة من بياناتك{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}تلقّينا طلبًا بحذف البيانات الشخصية التي "
                "يحتفظ بها {{ shop_name }} عنك.{% else %}تلقّينا طلبًا للحصول على نسخة من البيانات "
                "الشخصية التي يحتفظ بها {{ shop_name }} عنك.{% endif %} للتأكد من أن الطلب صادر منك، "
                "يُرجى تأكيده عبر الزر أدناه.",
                "{% if request_type == 'customer_redact' %}<strong>يُرجى الانتباه:</strong> بعد "
                "التأكيد، يُغلق حسابك في برنامج المكافآت وتضيع نقاطك "
                "({{ points_forfeited|points }}). <strong>لا يمكن التراجع عن "
                "ذلك.</strong>{% else %}بعد التأكيد، سنرسل إليك عبر البريد الإلكتروني رابطًا لتنزيل "
                "بياناتك فور جاهزية النسخة.{% endif %}",
                "يظل الرابط صالحًا حتى {{ link_expires_at|datetime }}.",
                "إذا لم يكن هذا الطلب منك، فيمكنك تجاهل هذه الرسالة: لن يحدث شيء.",
            ],
            "button": "{% if request_type == 'customer_redact' %}تأكيد الحذف{% else %}تأكيد الطلب{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "بياناتك لدى {{ shop_name }} جاهزة للتنزيل",
            "body": [
                "نسخة بياناتك الشخصية التي طلبتها من {{ shop_name }} جاهزة الآن.",
                "يمكنك تنزيلها حتى {{ expires_at|datetime }}. بعد ذلك يُحذف الرابط والنسخة.",
                "يحتوي الملف على بياناتك الشخصية، لذا يُنصح بحفظه في مكان آمن.",
            ],
            "button": "تنزيل بياناتي",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: تصدير البيانات للطلب رقم {{ request_number }} جاهز",
            "body": [
                "تمت الاستجابة لطلب بيانات من أحد العملاء: ملف التصدير جاهز للتنزيل ولتسليمه إلى العميل.",
                [
                    "الطلب: <strong>رقم {{ request_number }}</strong>",
                    "معرّف العميل في Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "المصدر: {% if source == 'storefront' %}العميل نفسه عبر أداة برنامج الولاء في "
                    "متجرك{% else %}Shopify (طلب بيانات العميل){% endif %}",
                    "متاح حتى: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "بعد هذا الموعد يُحذف الرابط وملف التصدير.",
            ],
            "button": "تنزيل ملف التصدير",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: تأخّر طلب الخصوصية رقم {{ request_number }}",
            "body": [
                "لم يكتمل طلب الخصوصية <strong>رقم {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}حذف بيانات أحد "
                "العملاء{% elif request_type == 'shop_redact' %}حذف بيانات متجرك{% else %}طلب أحد "
                "العملاء الحصول على بياناته{% endif %}) ضمن المهلة القانونية التي انتهت في "
                "{{ due_at|datetime }}.",
                "يُرجى مراجعته في LoyalNest: يظهر الطلب هناك ويمكن إعادة محاولة تنفيذه.",
            ],
        },
    },
}
