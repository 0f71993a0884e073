"""Vietnamese (bạn, the friendly register Vietnamese shops use with customers)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "điểm", "other": "điểm"},
    "footer": "Bạn nhận được email này vì bạn là thành viên chương trình khách hàng thân thiết của cửa hàng.",
    "unsubscribe": "Hủy đăng ký nhận các email này",
    "hello": "{% if customer_first_name %}Chào {{ customer_first_name }},{% else %}Xin chào,{% endif %}",
    "hello_staff": "Xin chào,",
    "balance": "Số dư hiện tại của bạn: <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Mã của bạn",
    "shop_button": "Ghé {{ shop_name }}",
    "dashboard_button": "Mở LoyalNest",
    "footer_guest": "Bạn nhận được email này vì địa chỉ của bạn đã được nhập vào chương trình giới thiệu "
    "của cửa hàng. Bạn sẽ không nhận thêm email nào trừ khi bạn yêu cầu.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Hủy đăng ký",
        "question": "Ngừng nhận {channel} về {topic}?",
        "button": "Hủy đăng ký",
        "done_title": "Bạn đã hủy đăng ký",
        "done": "Bạn sẽ không nhận {channel} về {topic} nữa.",
        "refused_title": "Liên kết này không hoạt động",
        "refused": "Liên kết hủy đăng ký không hợp lệ (có thể đã bị thay đổi hoặc đã được "
        "thay bằng liên kết mới hơn). Hãy dùng liên kết trong một tin nhắn gần "
        "đây, hoặc quản lý tùy chọn trong tài khoản của bạn.",
        "email": "email",
        "sms": "tin nhắn SMS",
        "any": "các tin nhắn này",
    },
    "topics": {
        "nudge": "tin tức và ưu đãi của cửa hàng",
        "points_earned": "điểm bạn tích được",
        "points_expiring": "điểm sắp hết hạn",
        "reward_issued": "mã phần thưởng của bạn",
        "reward_code_expiring": "mã phần thưởng sắp hết hạn",
        "points_returned": "điểm được hoàn lại cho bạn",
        "tier_changed": "thay đổi hạng VIP của bạn",
        "birthday": "lời chúc sinh nhật",
        "referral_invite": "lời mời từ bạn bè",
        "referral_friend_code": "mã chào mừng của bạn",
        "referral_rewarded": "phần thưởng giới thiệu bạn bè",
        "privacy_request_confirm": "xác nhận các yêu cầu về quyền riêng tư của bạn",
        "privacy_export_ready": "bản sao dữ liệu của bạn",
    },
    "reasons": {
        "order": "Đơn hàng số {number}",
        "purchase": "Mua sắm",
        "signup": "Đăng ký tài khoản",
        "newsletter": "Đăng ký bản tin",
        "birthday": "Sinh nhật",
        "review": "Đánh giá",
        "referral": "Thưởng giới thiệu",
        "custom": "Điểm thưởng",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — từ {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Bạn vừa nhận {{ points|points }} tại {{ shop_name }}",
            "body": [
                "Tin vui: bạn vừa nhận được <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Cảm ơn bạn đã tham gia chương trình khách hàng thân thiết của chúng tôi!",
            ],
            "sms": "{{ shop_name }}: bạn vừa nhận {{ points|points }} ({{ reason }}). "
            "Số dư: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Điểm của bạn sẽ hết hạn vào {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> trong tài khoản của bạn tại {{ shop_name }} sẽ hết hạn "
                "vào {{ expires_on|date }}.",
                "Hãy đổi lấy một phần quà trước thời điểm đó để điểm không bị lãng phí nhé.",
                "@balance",
            ],
            "button": "Chọn phần thưởng",
            "sms": "{{ shop_name }}: {{ points|points }} của bạn sẽ hết hạn vào {{ expires_on|date }}. "
            "Hãy dùng trước khi hết hạn!",
        },
        "reward_issued": {
            "subject": "Phần thưởng của bạn đây: {{ reward_title }}",
            "body": [
                "Mời bạn nhận phần thưởng từ {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (trị giá {{ value|money }}){% endif %}.",
                "@code",
                "Hãy nhập mã này khi thanh toán trước {{ expires_at|datetime }}.",
                "Bạn đã dùng {{ points_spent|points }} để đổi phần thưởng này.",
                "@balance",
            ],
            "button": "Mua sắm ngay",
            "sms": "{{ shop_name }}: phần thưởng {{ reward_title }} đã sẵn sàng. Mã: {{ code }}, "
            "hạn dùng: {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Mã cho {{ reward_title }} sắp hết hạn",
            "body": [
                "Nhắc bạn một chút: mã cho <strong>{{ reward_title }}</strong> sẽ hết hạn vào "
                "{{ expires_at|datetime }}.",
                "@code",
                "Nếu bạn chưa kịp dùng cũng đừng lo: {{ points_spent|points }} đã đổi sẽ được hoàn lại "
                "vào số dư của bạn.",
            ],
            "button": "Dùng mã của tôi",
            "sms": "{{ shop_name }}: mã {{ code }} hết hạn vào {{ expires_at|date }}. Nếu không dùng, "
            "{{ points_spent|points }} sẽ được hoàn lại.",
        },
        "points_returned": {
            "subject": "Đã hoàn {{ points|points }} vào số dư của bạn",
            "body": [
                "{% if reason == 'failed' %}Rất tiếc, chúng tôi không thể hoàn tất phần thưởng "
                "<strong>{{ reward_title }}</strong> nên đã hoàn {{ points|points }} vào số dư của bạn."
                "{% else %}Mã cho <strong>{{ reward_title }}</strong> đã hết hạn mà chưa được sử dụng, nên "
                "chúng tôi đã hoàn {{ points|points }} vào số dư của bạn.{% endif %}",
                "@balance",
                "Số điểm này đã sẵn sàng cho phần thưởng tiếp theo.",
            ],
            "sms": "{{ shop_name }}: đã hoàn {{ points|points }} vào số dư "
            "{% if reason == 'failed' %}(không thể hoàn tất phần thưởng){% else %}(mã hết hạn chưa "
            "dùng){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Chào mừng bạn đến hạng {{ tier_name }}!"
            "{% else %}Hạng VIP của bạn đã thay đổi{% endif %}",
            "body": [
                "{% if direction == 'up' %}Chúc mừng: bạn đã trở thành thành viên "
                "<strong>{{ tier_name }}</strong> của {{ shop_name }}!{% elif tier_name %}Hạng VIP của bạn "
                "tại {{ shop_name }} hiện là <strong>{{ tier_name }}</strong>.{% else %}Tư cách thành viên "
                "{{ previous_tier_name }} của bạn tại {{ shop_name }} đã kết thúc.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Cảm ơn bạn đã luôn đồng hành cùng chúng tôi.{% else %}Hãy tiếp "
                "tục tích điểm để lên hạng lại: mỗi đơn hàng đều có giá trị.{% endif %}",
            ],
            "perks_intro": "Quyền lợi của bạn:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}chúc mừng bạn lên hạng {{ tier_name }}! "
            "Hãy tận hưởng quyền lợi mới.{% elif tier_name %}hạng VIP của bạn hiện là {{ tier_name }}."
            "{% else %}hạng VIP của bạn đã kết thúc.{% endif %}",
        },
        "birthday": {
            "subject": "{{ shop_name }} chúc bạn sinh nhật vui vẻ!",
            "body": [
                "Chúc mừng sinh nhật! Toàn thể {{ shop_name }} chúc bạn một ngày thật tuyệt vời.",
                ("points", "Nhân dịp này, chúng tôi đã tặng bạn <strong>{{ points|points }}</strong>."),
            ],
            "button": "Tự thưởng cho mình",
            "sms": "{{ shop_name }} chúc bạn sinh nhật vui vẻ!{% if points %} Chúng tôi đã tặng bạn "
            "{{ points|points }}.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} đã dùng {{ used_percent|number }}%",
            "body": [
                "Cửa hàng của bạn đã sử dụng <strong>{{ used_percent|number }}%</strong> giới hạn "
                "{{ limit_name }}.",
                "Khi chạm giới hạn, một số thao tác có thể chậm lại hoặc tạm dừng cho đến khi giới hạn "
                "được đặt lại. Xem chi tiết trong LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Đã nhập xong khách hàng cho {{ shop_name }}",
            "body": [
                "Quá trình nhập khách hàng đã hoàn tất. Kết quả:",
                [
                    "Khách hàng đã nhập: <strong>{{ customers_imported|number }}</strong>",
                    "Điểm đã ghi nhận: <strong>{{ points_imported|number }}</strong>",
                    "Dòng bị từ chối: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "Bạn có thể xem lý do từng dòng bị từ chối trong LoyalNest."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: chương trình khách hàng thân thiết tuần này",
            "body": [
                "Kết quả chương trình của bạn trong tuần bắt đầu từ {{ week_start|date }}:",
                [
                    "Điểm đã tích: <strong>{{ points_earned|number }}</strong>",
                    "Điểm đã đổi: <strong>{{ points_redeemed|number }}</strong>",
                    "Thành viên mới: <strong>{{ new_members|number }}</strong>",
                    "Phần thưởng đã phát: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Xem báo cáo đầy đủ trong LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} mời bạn ghé {{ shop_name }}"
            "{% else %}Bạn có lời mời từ {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> tin rằng bạn sẽ "
                "thích {{ shop_name }} và mời bạn ghé thăm.{% else %}Một người quen tin rằng bạn sẽ thích "
                "{{ shop_name }} và mời bạn ghé thăm.{% endif %}",
                "Ưu đãi chào mừng của bạn: <strong>{{ offer }}</strong>.",
                "Ưu đãi được áp dụng tự động khi bạn mua sắm qua liên kết bên dưới.",
            ],
            "button": "Nhận ưu đãi",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} mời bạn{% else %}"
            "bạn có một lời mời{% endif %}. Ưu đãi: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Mã chào mừng của bạn tại {{ shop_name }}",
            "body": [
                "Chào mừng bạn đến với {{ shop_name }}! Ưu đãi của bạn: <strong>{{ offer }}</strong>.",
                "@code",
                "Hãy nhập mã này khi thanh toán trước {{ expires_at|datetime }}. Mã chỉ dùng được một lần.",
            ],
            "button": "Bắt đầu mua sắm",
            "sms": "{{ shop_name }}: mã chào mừng của bạn {{ code }} ({{ offer }}), hạn dùng: "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Bạn vừa nhận {{ points|points }} nhờ giới thiệu bạn bè{% else %}Phần "
            "thưởng giới thiệu của bạn đã sẵn sàng{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong>, người bạn giới thiệu, "
                "vừa đặt đơn hàng đầu tiên tại {{ shop_name }}.{% else %}Một người bạn giới thiệu vừa đặt "
                "đơn hàng đầu tiên tại {{ shop_name }}.{% endif %} Cảm ơn bạn đã giới thiệu chúng tôi!",
                "{% if points %}Chúng tôi đã cộng <strong>{{ points|points }}</strong> vào số dư của bạn."
                "{% else %}Phần thưởng của bạn: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Hãy tiếp tục chia sẻ liên kết: mỗi đơn hàng đầu tiên qua liên kết sẽ mang lại cho bạn một "
                "phần thưởng mới.",
            ],
            "sms": "{{ shop_name }}: lời giới thiệu của bạn mang về {% if points %}{{ points|points }}"
            "{% else %}{{ reward_title }}{% endif %}. Cảm ơn bạn!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Xác nhận xóa dữ liệu của bạn tại "
            "{{ shop_name }}{% else %}Xác nhận yêu cầu nhận bản sao dữ liệu của bạn{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Chúng tôi đã nhận được yêu cầu xóa dữ "
                "liệu cá nhân mà {{ shop_name }} lưu giữ về bạn.{% else %}Chúng tôi đã nhận được yêu "
                "cầu cung cấp bản sao dữ liệu cá nhân mà {{ shop_name }} lưu giữ về bạn.{% endif %} "
                "Để chắc chắn yêu cầu này do bạn gửi, vui lòng xác nhận bằng nút bên dưới.",
                "{% if request_type == 'customer_redact' %}<strong>Lưu ý:</strong> sau khi bạn xác "
                "nhận, tài khoản chương trình khách hàng thân thiết của bạn sẽ bị đóng và số điểm "
                "của bạn ({{ points_forfeited|points }}) sẽ bị mất. <strong>Thao tác này không thể "
                "hoàn tác.</strong>{% else %}Sau khi bạn xác nhận, chúng tôi sẽ gửi email cho bạn "
                "đường liên kết để tải dữ liệu ngay khi bản sao sẵn sàng.{% endif %}",
                "Liên kết có hiệu lực đến {{ link_expires_at|datetime }}.",
                "Nếu bạn không yêu cầu, bạn có thể bỏ qua email này: sẽ không có gì xảy ra.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Xác nhận xóa{% else %}Xác nhận yêu "
            "cầu{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Dữ liệu của bạn tại {{ shop_name }} đã sẵn sàng để tải xuống",
            "body": [
                "Bản sao dữ liệu cá nhân mà bạn đã yêu cầu {{ shop_name }} cung cấp đã sẵn sàng.",
                "Bạn có thể tải xuống đến {{ expires_at|datetime }}. Sau thời điểm đó, liên kết và "
                "bản sao sẽ bị xóa.",
                "Tệp này chứa dữ liệu cá nhân của bạn: hãy lưu giữ ở nơi an toàn.",
            ],
            "button": "Tải dữ liệu của tôi",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: bản xuất dữ liệu cho yêu cầu #{{ request_number }} đã sẵn sàng",
            "body": [
                "Một yêu cầu dữ liệu của khách hàng đã được xử lý: bản xuất dữ liệu đã sẵn sàng để "
                "tải xuống và chuyển cho khách hàng.",
                [
                    "Yêu cầu: <strong>#{{ request_number }}</strong>",
                    "ID khách hàng Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Nguồn: {% if source == 'storefront' %}chính khách hàng gửi qua tiện ích khách hàng "
                    "thân thiết của bạn{% else %}Shopify (yêu cầu dữ liệu khách hàng){% endif %}",
                    "Có sẵn đến: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Sau thời điểm đó, liên kết và bản xuất sẽ bị xóa.",
            ],
            "button": "Tải bản xuất",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: yêu cầu về quyền riêng tư #{{ request_number }} đã quá hạn",
            "body": [
                "Yêu cầu về quyền riêng tư <strong>#{{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}xóa dữ liệu của một khách "
                "hàng{% elif request_type == 'shop_redact' %}xóa dữ liệu của cửa hàng "
                "bạn{% else %}yêu cầu dữ liệu của một khách hàng{% endif %}) chưa được hoàn tất "
                "trong thời hạn luật định, đã hết hạn vào {{ due_at|datetime }}.",
                "Vui lòng kiểm tra trong LoyalNest: yêu cầu được hiển thị ở đó và bạn có thể thử lại.",
            ],
        },
    },
}
