"""Turkish (siz, the polite register Turkish shops use with customers)."""

# ruff: noqa: RUF001  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "puan", "other": "puan"},
    "footer": "Bu e-postayı, bu mağazanın ödül programına üye olduğunuz için alıyorsunuz.",
    "unsubscribe": "Bu e-postaların aboneliğinden çık",
    "hello": "{% if customer_first_name %}Merhaba {{ customer_first_name }},{% else %}Merhaba,{% endif %}",
    "hello_staff": "Merhaba,",
    "balance": "Güncel bakiyeniz: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Kodunuz",
    "shop_button": "{{ shop_name }} mağazasına git",
    "dashboard_button": "LoyalNest'i aç",
    "footer_guest": "Bu e-postayı, adresiniz bu mağazanın tavsiye programına girildiği için alıyorsunuz. "
    "Siz istemedikçe başka e-posta gönderilmeyecek.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Abonelikten çık",
        "question": "{topic} hakkında {channel} almayı bırakmak istiyor musunuz?",
        "button": "Abonelikten çık",
        "done_title": "Abonelikten çıktınız",
        "done": "Artık {topic} hakkında {channel} almayacaksınız.",
        "refused_title": "Bu bağlantı çalışmıyor",
        "refused": "Abonelikten çıkma bağlantısı geçerli değil (değiştirilmiş ya da daha "
        "yenisiyle değiştirilmiş olabilir). Yakın tarihli bir mesajdaki "
        "bağlantıyı kullanın veya tercihlerinizi hesabınızdan yönetin.",
        "email": "e-posta",
        "sms": "SMS",
        "any": "bu mesajlar",
    },
    "topics": {
        "nudge": "mağazanın haberleri ve teklifleri",
        "points_earned": "kazandığınız puanlar",
        "points_expiring": "süresi dolmak üzere olan puanlar",
        "reward_issued": "ödül kodlarınız",
        "reward_code_expiring": "süresi dolmak üzere olan ödül kodları",
        "points_returned": "size iade edilen puanlar",
        "tier_changed": "VIP seviyenizdeki değişiklikler",
        "birthday": "doğum günü kutlamaları",
        "referral_invite": "arkadaşlarınızdan gelen davetler",
        "referral_friend_code": "hoş geldin kodunuz",
        "referral_rewarded": "arkadaş tavsiye ödülleri",
        "privacy_request_confirm": "gizlilik taleplerinizin onaylanması",
        "privacy_export_ready": "verilerinizin kopyaları",
    },
    "reasons": {
        "order": "Sipariş no. {number}",
        "purchase": "Alışveriş",
        "signup": "Üyelik",
        "newsletter": "Bülten aboneliği",
        "birthday": "Doğum günü",
        "review": "Değerlendirme",
        "referral": "Tavsiye ödülü",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — {{ shop_name }} tarafından",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "{{ shop_name }} mağazasında {{ points|points }} kazandınız",
            "body": [
                "Harika bir haber: az önce <strong>{{ points|points }}</strong> kazandınız ({{ reason }}).",
                "@balance",
                "Ödül programımızda yer aldığınız için teşekkür ederiz!",
            ],
            "sms": "{{ shop_name }}: {{ points|points }} kazandınız ({{ reason }}). "
            "Bakiye: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Puanlarınızın süresi {{ expires_on|date }} tarihinde doluyor",
            "body": [
                "{{ shop_name }} bakiyenizdeki <strong>{{ points|points }}</strong>, "
                "{{ expires_on|date }} tarihinde sona erecek.",
                "Boşa gitmemeleri için o tarihten önce kendinize bir ödül seçin.",
                "@balance",
            ],
            "button": "Ödül seç",
            "sms": "{{ shop_name }}: {{ points|points }} {{ expires_on|date }} tarihinde sona eriyor. "
            "Süresi dolmadan kullanın!",
        },
        "reward_issued": {
            "subject": "Ödülünüz hazır: {{ reward_title }}",
            "body": [
                "{{ shop_name }} ödülünüzün keyfini çıkarın: <strong>{{ reward_title }}</strong>"
                "{% if value %} (değeri: {{ value|money }}){% endif %}.",
                "@code",
                "Bu kodu {{ expires_at|datetime }} tarihine kadar ödeme sırasında girin.",
                "Bu ödül için {{ points_spent|points }} harcadınız.",
                "@balance",
            ],
            "button": "Alışverişe başla",
            "sms": "{{ shop_name }}: {{ reward_title }} ödülünüz hazır. Kod: {{ code }}, "
            "son geçerlilik: {{ expires_at|date }}",
        },
        "reward_code_expiring": {
            "subject": "{{ reward_title }} kodunuzun süresi yakında doluyor",
            "body": [
                "Küçük bir hatırlatma: <strong>{{ reward_title }}</strong> kodunuzun süresi "
                "{{ expires_at|datetime }} tarihinde doluyor.",
                "@code",
                "Kullanamazsanız da endişelenmeyin: bu kod için harcadığınız {{ points_spent|points }} "
                "bakiyenize geri yüklenecek.",
            ],
            "button": "Kodumu kullan",
            "sms": "{{ shop_name }}: {{ code }} kodunun süresi {{ expires_at|date }} tarihinde doluyor. "
            "Kullanılmazsa {{ points_spent|points }} bakiyenize iade edilir.",
        },
        "points_returned": {
            "subject": "{{ points|points }} bakiyenize iade edildi",
            "body": [
                "{% if reason == 'failed' %}<strong>{{ reward_title }}</strong> ödülünüz "
                "tamamlanamadığı için {{ points|points }} bakiyenize iade edildi. Özür dileriz!"
                "{% else %}<strong>{{ reward_title }}</strong> kodunuz kullanılmadan sona erdiği için "
                "{{ points|points }} bakiyenize iade edildi.{% endif %}",
                "@balance",
                "Puanlarınız bir sonraki ödülünüz için hazır.",
            ],
            "sms": "{{ shop_name }}: {{ points|points }} bakiyenize iade edildi "
            "{% if reason == 'failed' %}(ödülünüz tamamlanamadı){% else %}(kodunuz kullanılmadan sona "
            "erdi){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}{{ tier_name }} seviyesine hoş geldiniz!"
            "{% else %}VIP seviyeniz değişti{% endif %}",
            "body": [
                "{% if direction == 'up' %}Tebrikler: artık {{ shop_name }} mağazasında "
                "<strong>{{ tier_name }}</strong> üyesisiniz!{% elif tier_name %}{{ shop_name }} "
                "mağazasındaki VIP seviyeniz artık <strong>{{ tier_name }}</strong>.{% else %}"
                "{{ shop_name }} mağazasındaki {{ previous_tier_name }} üyeliğiniz sona erdi.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Sadakatiniz için teşekkür ederiz.{% else %}Yeniden yükselmek "
                "için puan toplamaya devam edin: her sipariş önemli.{% endif %}",
            ],
            "perks_intro": "Ayrıcalıklarınız:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}{{ tier_name }} seviyesine hoş geldiniz! "
            "Yeni ayrıcalıklarınızın tadını çıkarın.{% elif tier_name %}VIP seviyeniz artık "
            "{{ tier_name }}.{% else %}VIP üyeliğiniz sona erdi.{% endif %}",
        },
        "birthday": {
            "subject": "Doğum gününüz kutlu olsun! Sevgiler, {{ shop_name }}",
            "body": [
                "Doğum gününüz kutlu olsun! {{ shop_name }} ekibi olarak size harika bir gün diliyoruz.",
                ("points", "Bu özel gün için bakiyenize <strong>{{ points|points }}</strong> ekledik."),
            ],
            "button": "Kendinizi şımartın",
            "sms": "{{ shop_name }}: Doğum gününüz kutlu olsun!{% if points %} Bakiyenize "
            "{{ points|points }} ekledik.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} kullanımı %{{ used_percent|number }}",
            "body": [
                "Mağazanız {{ limit_name }} limitinin <strong>%{{ used_percent|number }}</strong> "
                "kadarını kullandı.",
                "Limite ulaşıldığında bazı işlemler yavaşlayabilir veya limit sıfırlanana kadar "
                "duraklayabilir. Ayrıntıları LoyalNest'te görebilirsiniz.",
            ],
        },
        "import_finished": {
            "subject": "{{ shop_name }} müşteri içe aktarımı tamamlandı",
            "body": [
                "Müşteri içe aktarımınız tamamlandı. Sonuçlar:",
                [
                    "İçe aktarılan müşteriler: <strong>{{ customers_imported|number }}</strong>",
                    "Yüklenen puanlar: <strong>{{ points_imported|number }}</strong>",
                    "Reddedilen satırlar: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "Her satırın neden reddedildiğini LoyalNest'te görebilirsiniz."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: sadakat programınızın bu haftası",
            "body": [
                "{{ week_start|date }} tarihinde başlayan haftada ödül programınızın sonuçları:",
                [
                    "Kazanılan puanlar: <strong>{{ points_earned|number }}</strong>",
                    "Kullanılan puanlar: <strong>{{ points_redeemed|number }}</strong>",
                    "Yeni üyeler: <strong>{{ new_members|number }}</strong>",
                    "Verilen ödüller: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Raporun tamamını LoyalNest'te görebilirsiniz.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} sizi {{ shop_name }} "
            "mağazasına davet ediyor{% else %}{{ shop_name }} mağazasına davetlisiniz{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong>, {{ shop_name }} "
                "mağazasını çok seveceğinizi düşünüyor ve sizi keşfetmeye davet ediyor.{% else %}Sizi "
                "tanıyan biri, {{ shop_name }} mağazasını çok seveceğinizi düşünüyor ve sizi keşfetmeye "
                "davet ediyor.{% endif %}",
                "Hoş geldin teklifiniz: <strong>{{ offer }}</strong>.",
                "Aşağıdaki bağlantıdan alışveriş yaptığınızda otomatik olarak uygulanır.",
            ],
            "button": "Teklifimi al",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} sizi davet ediyor"
            "{% else %}bir davetiniz var{% endif %}. Teklifiniz: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "{{ shop_name }} hoş geldin kodunuz",
            "body": [
                "{{ shop_name }} mağazasına hoş geldiniz! Teklifiniz: <strong>{{ offer }}</strong>.",
                "@code",
                "Bu kodu {{ expires_at|datetime }} tarihine kadar ödeme sırasında girin. Kod yalnızca bir "
                "kez kullanılabilir.",
            ],
            "button": "Alışverişe başla",
            "sms": "{{ shop_name }}: hoş geldin kodunuz {{ code }} ({{ offer }}), son geçerlilik: "
            "{{ expires_at|date }}",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Tavsiyeniz size {{ points|points }} kazandırdı{% else %}Tavsiye "
            "ödülünüz hazır{% endif %}",
            "body": [
                "{% if friend_first_name %}Davet ettiğiniz <strong>{{ friend_first_name }}</strong>, "
                "{{ shop_name }} mağazasında ilk siparişini verdi.{% else %}Davet ettiğiniz biri, "
                "{{ shop_name }} mağazasında ilk siparişini verdi.{% endif %} Bizi tavsiye ettiğiniz için "
                "teşekkür ederiz!",
                "{% if points %}Bakiyenize <strong>{{ points|points }}</strong> ekledik.{% else %}Ödülünüz: "
                "<strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Bağlantınızı paylaşmaya devam edin: bağlantınızdan gelen her ilk sipariş size yeni bir "
                "ödül kazandırır.",
            ],
            "sms": "{{ shop_name }}: tavsiyeniz size {% if points %}{{ points|points }}{% else %}"
            "{{ reward_title }}{% endif %} kazandırdı. Teşekkürler!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}{{ shop_name }} mağazasındaki "
            "verilerinizin silinmesini onaylayın{% else %}Verilerinizin bir kopyası için "
            "talebinizi onaylayın{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}{{ shop_name }} mağazasının sizinle "
                "ilgili sakladığı kişisel verilerin silinmesi için bir talep "
                "aldık.{% else %}{{ shop_name }} mağazasının sizinle ilgili sakladığı kişisel "
                "verilerin bir kopyası için bir talep aldık.{% endif %} Talebin sizden geldiğinden "
                "emin olmak için lütfen aşağıdaki düğmeyle onaylayın.",
                "{% if request_type == 'customer_redact' %}<strong>Lütfen dikkat:</strong> "
                "onayladığınız anda ödül programı hesabınız kapatılır ve puanlarınız "
                "({{ points_forfeited|points }}) silinir. <strong>Bu işlem geri "
                "alınamaz.</strong>{% else %}Onayınızdan sonra, kopya hazır olur olmaz verilerinizi "
                "indirmeniz için size e-postayla bir bağlantı göndereceğiz.{% endif %}",
                "Bağlantı {{ link_expires_at|datetime }} tarihine kadar geçerlidir.",
                "Bu talebi siz yapmadıysanız bu e-postayı yok sayabilirsiniz: hiçbir şey olmaz.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Silmeyi onayla{% else %}Talebimi "
            "onayla{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "{{ shop_name }} verileriniz indirilmeye hazır",
            "body": [
                "{{ shop_name }} mağazasından istediğiniz kişisel veri kopyanız hazır.",
                "{{ expires_at|datetime }} tarihine kadar indirebilirsiniz. Bu tarihten sonra "
                "bağlantı ve kopya silinir.",
                "Dosya kişisel verilerinizi içerir: güvenli bir yerde saklayın.",
            ],
            "button": "Verilerimi indir",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: {{ request_number }} numaralı talebin veri dışa aktarımı hazır",
            "body": [
                "Bir müşterinin veri talebi yanıtlandı: verilerinin dışa aktarımı indirilmeye ve "
                "müşteriye iletilmeye hazır.",
                [
                    "Talep: <strong>#{{ request_number }}</strong>",
                    "Shopify müşteri kimliği: <strong>{{ shopify_customer_id }}</strong>",
                    "Kaynak: {% if source == 'storefront' %}müşterinin kendisi, sadakat widget'ınız "
                    "üzerinden{% else %}Shopify (müşteri veri talebi){% endif %}",
                    "Son indirme tarihi: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Bu tarihten sonra bağlantı ve dışa aktarım silinir.",
            ],
            "button": "Dışa aktarımı indir",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: {{ request_number }} numaralı gizlilik talebinin süresi geçti",
            "body": [
                "<strong>{{ request_number }}</strong> numaralı gizlilik talebi "
                "({% if request_type == 'customer_redact' %}bir müşterinin verilerinin "
                "silinmesi{% elif request_type == 'shop_redact' %}mağazanızın verilerinin "
                "silinmesi{% else %}bir müşterinin veri talebi{% endif %}) yasal süre içinde "
                "tamamlanmadı. Süre {{ due_at|datetime }} tarihinde doldu.",
                "Lütfen LoyalNest'te kontrol edin: talep orada görünür ve yeniden deneyebilirsiniz.",
            ],
        },
    },
}
