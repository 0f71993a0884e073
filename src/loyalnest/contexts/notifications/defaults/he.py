"""Hebrew (second person written so it reads the same for a man or a woman: past-tense
verbs spelled alike, infinitives for instructions and buttons, no imperatives)."""

from typing import Any

PHRASES: dict[str, Any] = {
    # Babel's rule for he uses one/two/other; 'many' is kept for older CLDR data.
    "points": {"one": "נקודה", "two": "נקודות", "many": "נקודות", "other": "נקודות"},
    "footer": "קיבלת את המייל הזה כי הצטרפת למועדון הלקוחות של החנות.",
    "unsubscribe": "להסרה מרשימת התפוצה",
    "hello": "{% if customer_first_name %}היי {{ customer_first_name }},{% else %}שלום,{% endif %}",
    "hello_staff": "שלום,",
    "balance": "היתרה שלך עכשיו: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "הקוד שלך",
    "shop_button": "למעבר ל-{{ shop_name }}",
    "dashboard_button": "לפתיחת LoyalNest",
    "footer_guest": "קיבלת את המייל הזה כי הכתובת שלך הוזנה בתוכנית ההמלצות של החנות. לא יישלחו מיילים "
    "נוספים אלא אם יתבקשו.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "הסרה מרשימת התפוצה",
        "question": "להפסיק לקבל {channel} בנושא „{topic}”?",
        "button": "להסיר אותי",
        "done_title": "הוסרת מרשימת התפוצה",
        "done": "לא יישלחו אליך עוד {channel} בנושא „{topic}”.",
        "refused_title": "הקישור הזה לא עובד",
        "refused": "קישור ההסרה אינו תקף (ייתכן ששונה או שהוחלף בקישור חדש יותר). אפשר "
        "להשתמש בקישור שבהודעה עדכנית, או לנהל את ההעדפות בחשבון.",
        "email": "הודעות דוא״ל",
        "sms": "הודעות SMS",
        "any": "ההודעות האלה",
    },
    "topics": {
        "nudge": "חדשות ומבצעים מהחנות",
        "points_earned": "הנקודות שצברת",
        "points_expiring": "נקודות שתוקפן עומד לפוג",
        "reward_issued": "קודי ההטבה שלך",
        "reward_code_expiring": "קודי הטבה שתוקפם עומד לפוג",
        "points_returned": "נקודות שמוחזרות אליך",
        "tier_changed": "שינויים בדרגת ה-VIP שלך",
        "birthday": "ברכות ליום ההולדת",
        "referral_invite": "הזמנות מחברים",
        "referral_friend_code": "קוד הפתיחה שלך",
        "referral_rewarded": "הטבות על הפניית חברים",
        "privacy_request_confirm": "אישור בקשות הפרטיות שלך",
        "privacy_export_ready": "עותקים של הנתונים שלך",
    },
    "reasons": {
        "order": "הזמנה מספר {number}",
        "purchase": "רכישה",
        "signup": "הרשמה",
        "newsletter": "הרשמה לניוזלטר",
        "birthday": "יום הולדת",
        "review": "ביקורת",
        "referral": "הטבה על הפניית חבר",
        "custom": "בונוס",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — מאת {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "צברת {{ points|points }} ב-{{ shop_name }}",
            "body": [
                "חדשות טובות: צברת עכשיו <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "תודה שהצטרפת למועדון הלקוחות שלנו!",
            ],
            "sms": "{{ shop_name }}: צברת {{ points|points }} ({{ reason }}). "
            "יתרה: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "תוקף הנקודות שלך יפוג ב-{{ expires_on|date }}",
            "body": [
                "תוקפן של <strong>{{ points|points }}</strong> מהיתרה שלך ב-{{ shop_name }} יפוג "
                "ב-{{ expires_on|date }}.",
                "כדאי לממש אותן בהטבה לפני כן, כדי שלא ילכו לאיבוד.",
                "@balance",
            ],
            "button": "לבחירת הטבה",
            "sms": "{{ shop_name }}: תוקפן של {{ points|points }} יפוג ב-{{ expires_on|date }}. "
            "כדאי לממש אותן לפני כן!",
        },
        "reward_issued": {
            "subject": "ההטבה שלך כאן: {{ reward_title }}",
            "body": [
                "ההטבה שלך מ-{{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (בשווי {{ value|money }}){% endif %}.",
                "@code",
                "יש להזין את הקוד בקופה עד {{ expires_at|datetime }}.",
                "מימשת {{ points_spent|points }} עבור ההטבה.",
                "@balance",
            ],
            "sms": "{{ shop_name }}: ההטבה {{ reward_title }} מוכנה. קוד: {{ code }}, "
            "בתוקף עד {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "הקוד שלך ל-{{ reward_title }} יפוג בקרוב",
            "body": [
                "רק תזכורת: הקוד שלך ל-<strong>{{ reward_title }}</strong> בתוקף עד "
                "{{ expires_at|datetime }}.",
                "@code",
                "ואם לא יוצא לך להשתמש בו, אין בעיה: {{ points_spent|points }} שמימשת "
                "{{ plural(points_spent, one='תחזור', other='יחזרו') }} ליתרה שלך.",
            ],
            "button": "לשימוש בקוד",
            "sms": "{{ shop_name }}: הקוד {{ code }} בתוקף עד {{ expires_at|date }}. לא השתמשת בו? "
            "{{ points_spent|points }} {{ plural(points_spent, one='תחזור', other='יחזרו') }} אליך.",
        },
        "points_returned": {
            "subject": "החזרנו {{ points|points }} ליתרה שלך",
            "body": [
                "{% if reason == 'failed' %}לא הצלחנו להשלים את ההטבה <strong>{{ reward_title }}</strong>, "
                "ולכן החזרנו {{ points|points }} ליתרה שלך. מצטערים!{% else %}תוקף הקוד שלך "
                "ל-<strong>{{ reward_title }}</strong> פג בלי שנעשה בו שימוש, ולכן החזרנו "
                "{{ points|points }} ליתרה שלך.{% endif %}",
                "@balance",
                "אפשר לממש אותן בהטבה הבאה.",
            ],
            "sms": "{{ shop_name }}: החזרנו {{ points|points }} ליתרה שלך "
            "{% if reason == 'failed' %}(לא הצלחנו להשלים את ההטבה){% else %}(הקוד פג בלי שימוש)"
            "{% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}ברוכים הבאים לדרגת {{ tier_name }}!"
            "{% else %}דרגת ה-VIP שלך השתנתה{% endif %}",
            "body": [
                "{% if direction == 'up' %}מזל טוב: עלית לדרגת <strong>{{ tier_name }}</strong> "
                "ב-{{ shop_name }}!{% elif tier_name %}דרגת ה-VIP שלך ב-{{ shop_name }} היא עכשיו "
                "<strong>{{ tier_name }}</strong>.{% else %}החברות שלך בדרגת {{ previous_tier_name }} "
                "ב-{{ shop_name }} הסתיימה.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}תודה על הנאמנות שלך.{% else %}אפשר להמשיך לצבור נקודות כדי "
                "לעלות שוב: כל הזמנה נחשבת.{% endif %}",
            ],
            "perks_intro": "ההטבות שלך:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}ברוכים הבאים לדרגת {{ tier_name }}! "
            "הטבות חדשות מחכות לך.{% elif tier_name %}דרגת ה-VIP שלך היא עכשיו {{ tier_name }}."
            "{% else %}דרגת ה-VIP שלך הסתיימה.{% endif %}",
        },
        "birthday": {
            "subject": "יום הולדת שמח מ-{{ shop_name }}!",
            "body": [
                "יום הולדת שמח! כל הצוות של {{ shop_name }} מאחל לך יום נפלא.",
                ("points", "לכבוד היום המיוחד הוספנו <strong>{{ points|points }}</strong> ליתרה שלך."),
            ],
            "sms": "יום הולדת שמח מ-{{ shop_name }}!{% if points %} הוספנו {{ points|points }} "
            "ליתרה שלך.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: ניצול {{ limit_name }} הגיע ל-{{ used_percent|number }}%",
            "body": [
                "החנות ניצלה <strong>{{ used_percent|number }}%</strong> ממכסת {{ limit_name }}.",
                "כשהמכסה תתמלא, חלק מהפעולות עשויות להאט או להיעצר עד לאיפוס שלה. הפרטים זמינים ב-LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "ייבוא הלקוחות של {{ shop_name }} הסתיים",
            "body": [
                "ייבוא הלקוחות הסתיים. אלה התוצאות:",
                [
                    "לקוחות שיובאו: <strong>{{ customers_imported|number }}</strong>",
                    "נקודות שנרשמו: <strong>{{ points_imported|number }}</strong>",
                    "שורות שנדחו: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "ב-LoyalNest אפשר לראות למה כל שורה נדחתה."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: מועדון הלקוחות שלך השבוע",
            "body": [
                "כך הצליח מועדון הלקוחות בשבוע שהתחיל ב-{{ week_start|date }}:",
                [
                    "נקודות שנצברו: <strong>{{ points_earned|number }}</strong>",
                    "נקודות שמומשו: <strong>{{ points_redeemed|number }}</strong>",
                    "חברים חדשים: <strong>{{ new_members|number }}</strong>",
                    "הטבות שהונפקו: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "הדוח המלא זמין ב-LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}הזמנה מ-{{ advocate_first_name }} ל-{{ shop_name }}"
            "{% else %}הזמנה מיוחדת ל-{{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}קיבלת הזמנה מ-<strong>{{ advocate_first_name }}</strong> להכיר "
                "את {{ shop_name }}, כי יש סיכוי טוב שהחנות תמצא חן בעיניך.{% else %}קיבלת הזמנה ממישהו "
                "שמכיר אותך להכיר את {{ shop_name }}, כי יש סיכוי טוב שהחנות תמצא חן בעיניך.{% endif %}",
                "הטבת ההצטרפות שלך: <strong>{{ offer }}</strong>.",
                "ההטבה תחול אוטומטית בקנייה דרך הקישור שלמטה.",
            ],
            "button": "לקבלת ההטבה",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}הזמנה מ-{{ advocate_first_name }}{% else %}"
            "הזמנה מיוחדת{% endif %}. ההטבה: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "קוד ההצטרפות שלך ל-{{ shop_name }}",
            "body": [
                "ברוכים הבאים ל-{{ shop_name }}! ההטבה שלך: <strong>{{ offer }}</strong>.",
                "@code",
                "אפשר להזין את הקוד בקופה עד {{ expires_at|datetime }}. הקוד תקף להזמנה אחת.",
            ],
            "button": "להתחיל לקנות",
            "sms": "{{ shop_name }}: קוד ההצטרפות שלך {{ code }} ({{ offer }}), בתוקף עד "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}צברת {{ points|points }} על ההמלצה שלך{% else %}ההטבה על ההמלצה שלך "
            "כבר כאן{% endif %}",
            "body": [
                "{% if friend_first_name %}קיבלנו הזמנה ראשונה מ-<strong>{{ friend_first_name }}</strong> "
                "בזכות ההמלצה שלך.{% else %}קיבלנו ב-{{ shop_name }} הזמנה ראשונה בזכות ההמלצה שלך."
                "{% endif %} תודה שהמלצת עלינו!",
                "{% if points %}הוספנו <strong>{{ points|points }}</strong> ליתרה שלך.{% else %}ההטבה שלך: "
                "<strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "כדאי להמשיך לשתף את הקישור: כל הזמנה ראשונה שמגיעה דרכו מזכה בהטבה נוספת.",
            ],
            "sms": "{{ shop_name }}: ההמלצה שלך זיכתה אותך ב-{% if points %}{{ points|points }}{% else %}"
            "{{ reward_title }}{% endif %}. תודה!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}אישור מחיקת הנתונים שלך "
            "ב-{{ shop_name }}{% else %}אישור הבקשה לעותק של הנתונים שלך{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}קיבלנו בקשה למחוק את המידע האישי שנשמר "
                "עליך ב-{{ shop_name }}.{% else %}קיבלנו בקשה לעותק של המידע האישי שנשמר עליך "
                "ב-{{ shop_name }}.{% endif %} כדי לוודא שהבקשה הגיעה ממך, יש לאשר אותה באמצעות "
                "הכפתור שלמטה.",
                "{% if request_type == 'customer_redact' %}<strong>לתשומת לבך:</strong> לאחר האישור, "
                "חשבון ההטבות שלך ייסגר והנקודות שלך ({{ points_forfeited|points }}) יאבדו. "
                "<strong>אי אפשר לבטל את הפעולה הזו.</strong>{% else %}לאחר האישור נשלח אליך במייל "
                "קישור להורדת הנתונים, ברגע שהעותק יהיה מוכן.{% endif %}",
                "הקישור בתוקף עד {{ link_expires_at|datetime }}.",
                "אם הבקשה לא הגיעה ממך, אפשר פשוט להתעלם מהמייל הזה: שום דבר לא יקרה.",
            ],
            "button": "{% if request_type == 'customer_redact' %}לאישור המחיקה{% else %}לאישור "
            "הבקשה{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "הנתונים שלך מ-{{ shop_name }} מוכנים להורדה",
            "body": [
                "העותק של המידע האישי שלך שביקשת מ-{{ shop_name }} מוכן.",
                "אפשר להוריד אותו עד {{ expires_at|datetime }}. לאחר מכן הקישור והעותק יימחקו.",
                "הקובץ מכיל את המידע האישי שלך: כדאי לשמור אותו במקום בטוח.",
            ],
            "button": "להורדת הנתונים שלי",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: ייצוא הנתונים לבקשה מס' {{ request_number }} מוכן",
            "body": [
                "בקשת נתונים של לקוח טופלה: קובץ הייצוא מוכן להורדה ולהעברה ללקוח.",
                [
                    "בקשה: <strong>מס' {{ request_number }}</strong>",
                    "מזהה הלקוח ב-Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "מקור: {% if source == 'storefront' %}הלקוח עצמו, דרך חלונית מועדון הלקוחות בחנות "
                    "שלך{% else %}Shopify (בקשת נתונים של לקוח){% endif %}",
                    "זמין עד: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "לאחר מכן הקישור וקובץ הייצוא יימחקו.",
            ],
            "button": "להורדת קובץ הייצוא",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: בקשת הפרטיות מס' {{ request_number }} חרגה מהמועד",
            "body": [
                "בקשת הפרטיות <strong>מס' {{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}מחיקת הנתונים של "
                "לקוח{% elif request_type == 'shop_redact' %}מחיקת הנתונים של החנות "
                "שלך{% else %}בקשה של לקוח לקבל את הנתונים שלו{% endif %}) לא הושלמה במועד הקבוע "
                "בחוק, שהסתיים ב-{{ due_at|datetime }}.",
                "יש לבדוק אותה ב-LoyalNest: הבקשה מוצגת שם ואפשר לנסות לבצע אותה שוב.",
            ],
        },
    },
}
