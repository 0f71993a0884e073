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
    "types": {
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
    },
}
