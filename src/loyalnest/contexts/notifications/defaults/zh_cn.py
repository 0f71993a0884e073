"""Simplified Chinese (您, the courteous register of mainland shops; SMS signed 【shop】)."""

# ruff: noqa: E501, RUF001  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"other": "积分"},
    "footer": "您收到这封邮件，是因为您是本店会员积分计划的成员。",
    "unsubscribe": "退订此类邮件",
    "hello": "{% if customer_first_name %}{{ customer_first_name }}，您好！{% else %}您好！{% endif %}",
    "hello_staff": "您好！",
    "balance": "您当前的积分余额：<strong>{{ points_balance|points }}</strong>。",
    "code_label": "您的优惠码",
    "shop_button": "前往 {{ shop_name }}",
    "dashboard_button": "打开 LoyalNest",
    "footer_guest": "您收到这封邮件，是因为您的邮箱地址被填写在本店的推荐计划中。除非您主动要"
    "求，我们不会再给您发送邮件。",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "退订",
        "question": "不再接收有关“{topic}”的{channel}？",
        "button": "退订",
        "done_title": "您已退订",
        "done": "您将不再收到有关“{topic}”的{channel}。",
        "refused_title": "此链接无效",
        "refused": "退订链接无效（可能已被修改，或已被更新的链接取代）。请使用最近一条消息中的链接，或在您的账户中管理通知偏好。",
        "email": "邮件",
        "sms": "短信",
        "any": "这些消息",
    },
    "topics": {
        "nudge": "店铺的新闻和优惠",
        "points_earned": "您获得的积分",
        "points_expiring": "即将过期的积分",
        "reward_issued": "您的奖励码",
        "reward_code_expiring": "即将到期的奖励码",
        "points_returned": "退回给您的积分",
        "tier_changed": "VIP 等级变动",
        "birthday": "生日祝福",
        "referral_invite": "好友的邀请",
        "referral_friend_code": "您的欢迎码",
        "referral_rewarded": "推荐好友奖励",
        "privacy_request_confirm": "确认您的隐私请求",
        "privacy_export_ready": "您的数据副本",
    },
    "reasons": {
        "order": "订单号 {number}",
        "purchase": "购物",
        "signup": "注册",
        "newsletter": "订阅电子报",
        "birthday": "生日",
        "review": "评价",
        "referral": "推荐奖励",
        "custom": "额外奖励",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — 来自{{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "您在 {{ shop_name }} 获得了 {{ points|points }}",
            "body": [
                "好消息：您刚刚获得了 <strong>{{ points|points }}</strong>（{{ reason }}）。",
                "@balance",
                "感谢您参与我们的会员积分计划！",
            ],
            "sms": "【{{ shop_name }}】您获得了 {{ points|points }}（{{ reason }}），"
            "当前余额 {{ points_balance|points }}。",
        },
        "points_expiring": {
            "subject": "您的积分将于 {{ expires_on|date }} 到期",
            "body": [
                "您在 {{ shop_name }} 的 <strong>{{ points|points }}</strong> 将于 {{ expires_on|date }} 到期。",
                "趁积分还没过期，快去兑换一份喜欢的奖励吧。",
                "@balance",
            ],
            "button": "挑选奖励",
            "sms": "【{{ shop_name }}】您有 {{ points|points }} 将于 {{ expires_on|date }} 到期，"
            "请尽快使用。",
        },
        "reward_issued": {
            "subject": "您的奖励已送达：{{ reward_title }}",
            "body": [
                "请查收来自 {{ shop_name }} 的奖励：<strong>{{ reward_title }}</strong>"
                "{% if value %}（价值 {{ value|money }}）{% endif %}。",
                "@code",
                "请在 {{ expires_at|datetime }} 之前结账时输入此优惠码。",
                "本次兑换使用了 {{ points_spent|points }}。",
                "@balance",
            ],
            "button": "立即选购",
            "sms": "【{{ shop_name }}】您的奖励「{{ reward_title }}」已送达，优惠码 {{ code }}，"
            "有效期至 {{ expires_at|date }}。",
        },
        "reward_code_expiring": {
            "subject": "您的「{{ reward_title }}」优惠码即将到期",
            "body": [
                "温馨提醒：您的 <strong>{{ reward_title }}</strong> 优惠码将于 {{ expires_at|datetime }} 到期。",
                "@code",
                "如果到期未使用也不用担心：兑换时使用的 {{ points_spent|points }} 会退回您的积分余额。",
            ],
            "button": "使用优惠码",
            "sms": "【{{ shop_name }}】优惠码 {{ code }} 将于 {{ expires_at|date }} 到期。"
            "若未使用，{{ points_spent|points }} 将退回您的余额。",
        },
        "points_returned": {
            "subject": "{{ points|points }} 已退回您的余额",
            "body": [
                "{% if reason == 'failed' %}很抱歉，您的奖励 <strong>{{ reward_title }}</strong> 未能发放成功，"
                "我们已将 {{ points|points }} 退回您的余额。{% else %}您的 <strong>{{ reward_title }}</strong> "
                "优惠码已过期且未使用，我们已将 {{ points|points }} 退回您的余额。{% endif %}",
                "@balance",
                "这些积分可用于兑换下一份奖励。",
            ],
            "sms": "【{{ shop_name }}】{{ points|points }} 已退回您的余额"
            "{% if reason == 'failed' %}（奖励未能发放）{% else %}（优惠码过期未使用）{% endif %}。",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}欢迎升级为 {{ tier_name }} 会员！"
            "{% else %}您的 VIP 等级已变更{% endif %}",
            "body": [
                "{% if direction == 'up' %}恭喜！您已成为 {{ shop_name }} 的 <strong>{{ tier_name }}</strong> "
                "会员。{% elif tier_name %}您在 {{ shop_name }} 的 VIP 等级已变更为 "
                "<strong>{{ tier_name }}</strong>。{% else %}您在 {{ shop_name }} 的 {{ previous_tier_name }} "
                "会员资格已结束。{% endif %}",
                "@perks",
                "{% if direction == 'up' %}感谢您一直以来的支持。{% else %}继续累积积分即可再次升级，"
                "每一笔订单都算数。{% endif %}",
            ],
            "perks_intro": "您的会员权益：",
            "sms": "【{{ shop_name }}】{% if direction == 'up' %}恭喜升级为 {{ tier_name }} 会员！"
            "尽情享受新权益吧。{% elif tier_name %}您的 VIP 等级已变更为 {{ tier_name }}。{% else %}"
            "您的 VIP 会员资格已结束。{% endif %}",
        },
        "birthday": {
            "subject": "{{ shop_name }} 祝您生日快乐！",
            "body": [
                "生日快乐！{{ shop_name }} 全体同仁祝您度过美好的一天。",
                ("points", "为庆祝您的生日，我们已为您送上 <strong>{{ points|points }}</strong>。"),
            ],
            "button": "犒劳一下自己",
            "sms": "【{{ shop_name }}】祝您生日快乐！{% if points %}我们已为您送上 "
            "{{ points|points }}。{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}：{{ limit_name }} 用量已达 {{ used_percent|number }}%",
            "body": [
                "您的店铺已使用 {{ limit_name }} 限额的 <strong>{{ used_percent|number }}%</strong>。",
                "达到上限后，部分操作可能会变慢或暂停，直到限额重置。详情请在 LoyalNest 中查看。",
            ],
        },
        "import_finished": {
            "subject": "{{ shop_name }} 的客户导入已完成",
            "body": [
                "客户导入已完成，结果如下：",
                [
                    "已导入客户：<strong>{{ customers_imported|number }}</strong>",
                    "已入账积分：<strong>{{ points_imported|number }}</strong>",
                    "被拒绝的行：<strong>{{ errors|number }}</strong>",
                ],
                ("errors", "您可以在 LoyalNest 中查看每一行被拒绝的原因。"),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}：本周会员计划概况",
            "body": [
                "以下是您的会员积分计划在 {{ week_start|date }} 起这一周的表现：",
                [
                    "获得积分：<strong>{{ points_earned|number }}</strong>",
                    "兑换积分：<strong>{{ points_redeemed|number }}</strong>",
                    "新会员：<strong>{{ new_members|number }}</strong>",
                    "发放奖励：<strong>{{ rewards_issued|number }}</strong>",
                ],
                "完整报告请在 LoyalNest 中查看。",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} 邀请您光临 {{ shop_name }}"
            "{% else %}您收到了来自 {{ shop_name }} 的邀请{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> 觉得您会喜欢 "
                "{{ shop_name }}，特地邀请您来逛逛。{% else %}您的一位朋友觉得您会喜欢 {{ shop_name }}"
                "，特地邀请您来逛逛。{% endif %}",
                "您的新人礼：<strong>{{ offer }}</strong>。",
                "通过下方链接购物时，优惠将自动生效。",
            ],
            "button": "领取优惠",
            "button_url": "link",
            "sms": "【{{ shop_name }}】{% if advocate_first_name %}{{ advocate_first_name }} 邀请您光临本店"
            "{% else %}您收到一份邀请{% endif %}，新人礼：{{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "您在 {{ shop_name }} 的新人优惠码",
            "body": [
                "欢迎光临 {{ shop_name }}！您的新人礼：<strong>{{ offer }}</strong>。",
                "@code",
                "请在 {{ expires_at|datetime }} 之前结账时输入此优惠码，仅限使用一次。",
            ],
            "button": "开始选购",
            "sms": "【{{ shop_name }}】您的新人优惠码 {{ code }}（{{ offer }}），有效期至 "
            "{{ expires_at|date }}。",
        },
        "referral_rewarded": {
            "subject": "{% if points %}推荐成功，您获得了 {{ points|points }}{% else %}"
            "推荐成功，您的奖励已送达{% endif %}",
            "body": [
                "{% if friend_first_name %}您推荐的好友 <strong>{{ friend_first_name }}</strong> 已在 "
                "{{ shop_name }} 完成首单。{% else %}您推荐的好友已在 {{ shop_name }} 完成首单。{% endif %}"
                "感谢您的推荐！",
                "{% if points %}我们已为您送上 <strong>{{ points|points }}</strong>。{% else %}您的奖励："
                "<strong>{{ reward_title }}</strong>。{% endif %}",
                "@balance",
                "继续分享您的专属链接吧：每有一位新朋友通过它完成首单，您都会再获得一份奖励。",
            ],
            "sms": "【{{ shop_name }}】推荐成功！您获得了{% if points %} {{ points|points }}{% else %}「"
            "{{ reward_title }}」{% endif %}，感谢您的推荐。",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}请确认删除您在 {{ shop_name }} "
            "的数据{% else %}请确认您索取数据副本的请求{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}我们收到了删除 {{ shop_name }} "
                "所保存的您的个人数据的请求。{% else %}我们收到了索取 {{ shop_name }} "
                "所保存的您的个人数据副本的请求。{% endif %}为确认该请求确实由您本人提出，"
                "请点击下方按钮进行确认。",
                "{% if request_type == 'customer_redact' %}<strong>请注意：</strong>确认后，"
                "您的会员积分账户将被关闭，您的积分（{{ points_forfeited|points }}）将作废。"
                "<strong>此操作无法撤销。</strong>{% else %}确认后，副本一旦准备就绪，"
                "我们会通过邮件向您发送数据下载链接。{% endif %}",
                "该链接在 {{ link_expires_at|datetime }} 前有效。",
                "如果这不是您提出的请求，请忽略此邮件，不会有任何变化。",
            ],
            "button": "{% if request_type == 'customer_redact' %}确认删除{% else %}确认请求{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "您在 {{ shop_name }} 的数据已可下载",
            "body": [
                "您向 {{ shop_name }} 索取的个人数据副本已准备就绪。",
                "您可以在 {{ expires_at|datetime }} 前下载。此后，链接和副本将被删除。",
                "该文件包含您的个人数据，请妥善保管。",
            ],
            "button": "下载我的数据",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}：请求 #{{ request_number }} 的数据导出已就绪",
            "body": [
                "一位顾客的数据请求已处理完毕：数据导出文件已可下载，并可转交给该顾客。",
                [
                    "请求：<strong>#{{ request_number }}</strong>",
                    "Shopify 顾客 ID：<strong>{{ shopify_customer_id }}</strong>",
                    "来源：{% if source == 'storefront' %}顾客本人，"
                    "通过您的会员积分小组件{% else %}Shopify（顾客数据请求）{% endif %}",
                    "有效期至：<strong>{{ expires_at|datetime }}</strong>",
                ],
                "此后，链接和导出文件将被删除。",
            ],
            "button": "下载导出文件",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}：隐私请求 #{{ request_number }} 已逾期",
            "body": [
                "隐私请求 <strong>#{{ request_number }}</strong>"
                "（{% if request_type == 'customer_redact' %}删除顾客数据"
                "{% elif request_type == 'shop_redact' %}删除店铺数据{% else %}顾客索取其个人数据"
                "{% endif %}）未能在法定期限内完成，该期限已于 {{ due_at|datetime }} 届满。",
                "请在 LoyalNest 中查看：该请求显示在那里，您也可以重试。",
            ],
        },
    },
}
