"""Korean (합니다체, the polite register Korean shops use; SMS prefixed [shop]). Particles
are never attached to a variable whose last syllable is unknown (을/를, 이/가)."""

# ruff: noqa: E501  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"other": "포인트"},
    "footer": "이 쇼핑몰의 리워드 프로그램 회원이시기 때문에 이 이메일을 받으셨습니다.",
    "unsubscribe": "이메일 수신 거부",
    "hello": "{% if customer_first_name %}{{ customer_first_name }}님, 안녕하세요.{% else %}안녕하세요.{% endif %}",
    "hello_staff": "안녕하세요.",
    "balance": "현재 포인트 잔액: <strong>{{ points_balance|points }}</strong>",
    "code_label": "쿠폰 코드",
    "shop_button": "{{ shop_name }} 방문하기",
    "dashboard_button": "LoyalNest 열기",
    "footer_guest": "이 쇼핑몰의 추천 프로그램에 회원님의 주소가 입력되어 이 이메일을 받으셨습니다. "
    "요청하지 않으시면 더 이상 이메일을 보내지 않습니다.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "수신 거부",
        "question": "{topic}에 관한 {channel} 수신을 중단할까요?",
        "button": "수신 거부",
        "done_title": "수신 거부가 완료되었습니다",
        "done": "앞으로 {topic}에 관한 {channel}을(를) 받지 않습니다.",
        "refused_title": "이 링크는 사용할 수 없습니다",
        "refused": "수신 거부 링크가 유효하지 않습니다(변경되었거나 더 최근 링크로 대체되었을 수 있습니다). 최근 메시지의 링크를 사용하거나 "
        "계정에서 알림 설정을 관리해 주세요.",
        "email": "이메일",
        "sms": "문자 메시지",
        "any": "이 메시지",
    },
    "topics": {
        "nudge": "스토어 소식과 혜택",
        "points_earned": "적립 포인트",
        "points_expiring": "곧 소멸되는 포인트",
        "reward_issued": "리워드 코드",
        "reward_code_expiring": "곧 만료되는 리워드 코드",
        "points_returned": "반환되는 포인트",
        "tier_changed": "VIP 등급 변경",
        "birthday": "생일 축하 메시지",
        "referral_invite": "친구의 초대",
        "referral_friend_code": "웰컴 코드",
        "referral_rewarded": "친구 추천 리워드",
        "privacy_request_confirm": "개인정보 요청 확인",
        "privacy_export_ready": "내 데이터 사본",
    },
    "reasons": {
        "order": "주문 번호 {number}",
        "purchase": "구매",
        "signup": "회원 가입",
        "newsletter": "뉴스레터 구독",
        "birthday": "생일",
        "review": "리뷰 작성",
        "referral": "친구 추천 리워드",
        "custom": "보너스",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — {{ shop_name }}에서",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "{{ shop_name }}에서 {{ points|points }}가 적립되었습니다",
            "body": [
                "좋은 소식입니다! 방금 <strong>{{ points|points }}</strong>가 적립되었습니다({{ reason }}).",
                "@balance",
                "리워드 프로그램에 함께해 주셔서 감사합니다!",
            ],
            "sms": "[{{ shop_name }}] {{ points|points }}가 적립되었습니다({{ reason }}). "
            "잔액: {{ points_balance|points }}",
        },
        "points_expiring": {
            "subject": "곧 소멸되는 포인트가 있습니다(소멸 예정일: {{ expires_on|date }})",
            "body": [
                "{{ shop_name }}에서 보유하신 포인트 중 <strong>{{ points|points }}</strong>가 곧 "
                "소멸됩니다. 소멸 예정일: {{ expires_on|date }}",
                "소멸되기 전에 마음에 드는 리워드로 교환해 보세요.",
                "@balance",
            ],
            "button": "리워드 고르기",
            "sms": "[{{ shop_name }}] {{ points|points }}가 곧 소멸됩니다(소멸일: {{ expires_on|date }}). "
            "잊지 말고 사용하세요!",
        },
        "reward_issued": {
            "subject": "리워드가 도착했습니다: {{ reward_title }}",
            "body": [
                "{{ shop_name }}에서 리워드를 보내 드립니다: <strong>{{ reward_title }}</strong>"
                "{% if value %}({{ value|money }} 상당){% endif %}",
                "@code",
                "결제 시 위 코드를 입력해 주세요. 유효기간: {{ expires_at|datetime }}까지",
                "이 리워드에 {{ points_spent|points }}를 사용하셨습니다.",
                "@balance",
            ],
            "button": "쇼핑하러 가기",
            "sms": "[{{ shop_name }}] 리워드가 도착했습니다: {{ reward_title }}. 코드: {{ code }} "
            "(유효기간: {{ expires_at|date }})",
        },
        "reward_code_expiring": {
            "subject": "쿠폰 코드가 곧 만료됩니다: {{ reward_title }}",
            "body": [
                "잊지 마세요! <strong>{{ reward_title }}</strong> 쿠폰 코드는 {{ expires_at|datetime }}까지 "
                "사용하실 수 있습니다.",
                "@code",
                "기간 내에 사용하지 못하셔도 걱정하지 마세요. 교환에 사용하신 {{ points_spent|points }}는 "
                "잔액으로 돌려드립니다.",
            ],
            "button": "쿠폰 사용하기",
            "sms": "[{{ shop_name }}] 쿠폰 코드({{ code }}) 만료일: {{ expires_at|date }} "
            "미사용 시 {{ points_spent|points }}를 돌려드립니다.",
        },
        "points_returned": {
            "subject": "{{ points|points }}를 잔액으로 돌려드렸습니다",
            "body": [
                "{% if reason == 'failed' %}리워드 <strong>{{ reward_title }}</strong> 발급을 완료하지 못해 "
                "{{ points|points }}를 잔액으로 돌려드렸습니다. 불편을 드려 죄송합니다.{% else %}"
                "<strong>{{ reward_title }}</strong> 쿠폰 코드가 사용되지 않은 채 만료되어 "
                "{{ points|points }}를 잔액으로 돌려드렸습니다.{% endif %}",
                "@balance",
                "다음 리워드에 사용해 보세요.",
            ],
            "sms": "[{{ shop_name }}] {{ points|points }}를 잔액으로 돌려드렸습니다"
            "{% if reason == 'failed' %}(리워드 발급 실패){% else %}(쿠폰 코드 미사용 만료){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}{{ tier_name }} 등급 달성을 축하합니다!"
            "{% else %}VIP 등급이 변경되었습니다{% endif %}",
            "body": [
                "{% if direction == 'up' %}축하합니다! 이제 {{ shop_name }}의 <strong>{{ tier_name }}</strong> "
                "회원이 되셨습니다.{% elif tier_name %}{{ shop_name }}의 VIP 등급이 변경되었습니다. 새 등급: "
                "<strong>{{ tier_name }}</strong>{% else %}{{ shop_name }}의 {{ previous_tier_name }} 등급 "
                "혜택이 종료되었습니다.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}변함없는 성원에 감사드립니다.{% else %}포인트를 계속 모아 다시 "
                "등급을 올려 보세요. 모든 주문이 도움이 됩니다.{% endif %}",
            ],
            "perks_intro": "회원 혜택:",
            "sms": "[{{ shop_name }}] {% if direction == 'up' %}{{ tier_name }} 등급 달성을 축하합니다! "
            "새로운 혜택을 누려 보세요.{% elif tier_name %}VIP 등급이 변경되었습니다. 새 등급: "
            "{{ tier_name }}{% else %}VIP 등급 혜택이 종료되었습니다.{% endif %}",
        },
        "birthday": {
            "subject": "{{ shop_name }}에서 생일을 축하드립니다!",
            "body": [
                "생일 축하드립니다! {{ shop_name }} 모두가 행복한 하루를 보내시길 바랍니다.",
                ("points", "생일을 맞아 <strong>{{ points|points }}</strong>를 선물로 적립해 드렸습니다."),
            ],
            "button": "나를 위한 선물 고르기",
            "sms": "[{{ shop_name }}] 생일 축하드립니다!{% if points %} 선물로 {{ points|points }}를 "
            "적립해 드렸어요.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} 사용량 {{ used_percent|number }}% 도달",
            "body": [
                "스토어의 한도 사용량이 <strong>{{ used_percent|number }}%</strong>에 도달했습니다. "
                "한도: {{ limit_name }}",
                "한도에 도달하면 초기화될 때까지 일부 작업이 느려지거나 일시 중지될 수 있습니다. "
                "자세한 내용은 LoyalNest에서 확인하세요.",
            ],
        },
        "import_finished": {
            "subject": "{{ shop_name }} 고객 가져오기가 완료되었습니다",
            "body": [
                "고객 가져오기가 완료되었습니다. 결과는 다음과 같습니다.",
                [
                    "가져온 고객: <strong>{{ customers_imported|number }}</strong>",
                    "적립된 포인트: <strong>{{ points_imported|number }}</strong>",
                    "거부된 행: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "각 행이 거부된 이유는 LoyalNest에서 확인할 수 있습니다."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: 이번 주 리워드 프로그램 현황",
            "body": [
                "이번 주 리워드 프로그램 성과를 알려 드립니다(주 시작일: {{ week_start|date }}).",
                [
                    "적립된 포인트: <strong>{{ points_earned|number }}</strong>",
                    "사용된 포인트: <strong>{{ points_redeemed|number }}</strong>",
                    "신규 회원: <strong>{{ new_members|number }}</strong>",
                    "발급된 리워드: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "전체 보고서는 LoyalNest에서 확인하세요.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }}님이 {{ shop_name }}에 "
            "초대했습니다{% else %}{{ shop_name }}에서 초대장이 도착했습니다{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong>님이 {{ shop_name }}"
                "의 상품을 마음에 들어 하실 거라며 초대하셨습니다.{% else %}지인분이 {{ shop_name }}의 "
                "상품을 마음에 들어 하실 거라며 초대하셨습니다.{% endif %}",
                "웰컴 혜택: <strong>{{ offer }}</strong>",
                "아래 링크로 쇼핑하시면 혜택이 자동으로 적용됩니다.",
            ],
            "button": "혜택 받기",
            "button_url": "link",
            "sms": "[{{ shop_name }}] {% if advocate_first_name %}{{ advocate_first_name }}님의 초대"
            "{% else %}초대장 도착{% endif %}. 혜택: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "{{ shop_name }} 웰컴 코드가 도착했습니다",
            "body": [
                "{{ shop_name }}에 오신 것을 환영합니다! 혜택: <strong>{{ offer }}</strong>",
                "@code",
                "결제 시 위 코드를 입력해 주세요. 1회만 사용할 수 있습니다. 유효기간: "
                "{{ expires_at|datetime }}까지",
            ],
            "button": "쇼핑하러 가기",
            "sms": "[{{ shop_name }}] 웰컴 코드: {{ code }} ({{ offer }}, 유효기간: {{ expires_at|date }})",
        },
        "referral_rewarded": {
            "subject": "{% if points %}추천 보상으로 {{ points|points }}가 적립되었습니다{% else %}추천 "
            "보상이 도착했습니다{% endif %}",
            "body": [
                "{% if friend_first_name %}추천해 주신 <strong>{{ friend_first_name }}</strong>님이 "
                "{{ shop_name }}에서 첫 주문을 하셨습니다.{% else %}추천해 주신 분이 {{ shop_name }}에서 첫 "
                "주문을 하셨습니다.{% endif %} 추천해 주셔서 감사합니다!",
                "{% if points %}<strong>{{ points|points }}</strong>를 적립해 드렸습니다.{% else %}보상: "
                "<strong>{{ reward_title }}</strong>{% endif %}",
                "@balance",
                "계속 링크를 공유해 주세요. 링크를 통한 첫 주문이 있을 때마다 새로운 보상을 드립니다.",
            ],
            "sms": "[{{ shop_name }}] 추천 보상: {% if points %}{{ points|points }} 적립{% else %}"
            "{{ reward_title }}{% endif %}. 감사합니다!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}{{ shop_name }} 데이터 삭제 요청을 확인해 "
            "주세요{% else %}데이터 사본 요청을 확인해 주세요{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}{{ shop_name }}에서 보관 중인 고객님의 "
                "개인정보를 삭제해 달라는 요청을 받았습니다.{% else %}{{ shop_name }}에서 보관 중인 "
                "고객님의 개인정보 사본 요청을 받았습니다.{% endif %} 본인이 요청하신 것이 맞는지 "
                "확인할 수 있도록 아래 버튼을 눌러 확인해 주세요.",
                "{% if request_type == 'customer_redact' %}<strong>유의해 주세요:</strong> 확인하시면 "
                "리워드 프로그램 계정이 해지되고 보유 포인트({{ points_forfeited|points }})가 "
                "소멸됩니다. <strong>이 작업은 되돌릴 수 없습니다.</strong>{% else %}확인하시면 "
                "사본이 준비되는 대로 데이터를 다운로드할 수 있는 링크를 이메일로 보내 "
                "드립니다.{% endif %}",
                "링크는 {{ link_expires_at|datetime }}까지 유효합니다.",
                "요청하신 적이 없다면 이 이메일을 무시하셔도 됩니다. 아무 일도 일어나지 않습니다.",
            ],
            "button": "{% if request_type == 'customer_redact' %}삭제 확인{% else %}요청 확인{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "{{ shop_name }} 데이터를 다운로드할 수 있습니다",
            "body": [
                "{{ shop_name }}에 요청하신 개인정보 사본이 준비되었습니다.",
                "{{ expires_at|datetime }}까지 다운로드할 수 있습니다. 이후에는 링크와 사본이 삭제됩니다.",
                "이 파일에는 개인정보가 담겨 있으니 안전한 곳에 보관하세요.",
            ],
            "button": "내 데이터 다운로드",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: 요청 #{{ request_number }}의 데이터 내보내기가 준비되었습니다",
            "body": [
                "고객의 데이터 요청이 처리되었습니다. 내보낸 파일을 다운로드하여 고객에게 전달할 수 "
                "있습니다.",
                [
                    "요청: <strong>#{{ request_number }}</strong>",
                    "Shopify 고객 ID: <strong>{{ shopify_customer_id }}</strong>",
                    "접수 경로: {% if source == 'storefront' %}고객 본인(로열티 "
                    "위젯){% else %}Shopify(고객 데이터 요청){% endif %}",
                    "다운로드 기한: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "기한이 지나면 링크와 내보낸 파일이 삭제됩니다.",
            ],
            "button": "내보낸 파일 다운로드",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: 개인정보 요청 #{{ request_number }}의 처리 기한이 지났습니다",
            "body": [
                "개인정보 요청 <strong>#{{ request_number }}</strong>"
                "({% if request_type == 'customer_redact' %}고객 데이터 "
                "삭제{% elif request_type == 'shop_redact' %}스토어 데이터 삭제{% else %}고객의 "
                "데이터 열람 요청{% endif %})의 처리가 법정 기한({{ due_at|datetime }}) 내에 "
                "완료되지 않았습니다.",
                "LoyalNest에서 확인해 주세요. 해당 요청이 표시되며 다시 시도할 수 있습니다.",
            ],
        },
    },
}
