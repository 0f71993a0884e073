"""Japanese (polite です/ます, the register Japanese shops use with customers)."""

# ruff: noqa: RUF001  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"other": "ポイント"},
    "footer": "このメールは、本ショップのポイントプログラムにご登録いただいている方にお送りしています。",
    "unsubscribe": "このメールの配信を停止する",
    "hello": "{% if customer_first_name %}{{ customer_first_name }} 様{% else %}お客様{% endif %}",
    "hello_staff": "いつもLoyalNestをご利用いただきありがとうございます。",
    "balance": "現在のポイント残高：<strong>{{ points_balance|points }}</strong>",
    "code_label": "クーポンコード",
    "shop_button": "{{ shop_name }} でお買い物をする",
    "dashboard_button": "LoyalNest を開く",
    "footer_guest": "このメールは、本ショップの紹介プログラムでこのアドレスが入力されたためお"
    "送りしています。ご希望がない限り、今後メールをお送りすることはありません。",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "配信停止",
        "question": "{topic}に関する{channel}の受信を停止しますか？",
        "button": "配信を停止する",
        "done_title": "配信を停止しました",
        "done": "今後、{topic}に関する{channel}は届きません。",
        "refused_title": "このリンクは無効です",
        "refused": "配信停止リンクが無効です（変更されたか、新しいリンクに置き換えられた可能性があります）。"
        "最近のメッセージ内のリンクを使うか、アカウントで配信設定を変更してください。",
        "email": "メール",
        "sms": "SMS",
        "any": "これらのメッセージ",
    },
    "topics": {
        "nudge": "ショップからのお知らせとおすすめ",
        "points_earned": "獲得ポイント",
        "points_expiring": "まもなく失効するポイント",
        "reward_issued": "特典コード",
        "reward_code_expiring": "まもなく期限切れになる特典コード",
        "points_returned": "返還されるポイント",
        "tier_changed": "VIPランクの変更",
        "birthday": "お誕生日のお祝い",
        "referral_invite": "お友達からの招待",
        "referral_friend_code": "ウェルカムコード",
        "referral_rewarded": "お友達紹介の特典",
        "privacy_request_confirm": "プライバシーに関するご依頼の確認",
        "privacy_export_ready": "お客様のデータのコピー",
    },
    "reasons": {
        "order": "ご注文番号 {number}",
        "purchase": "お買い物",
        "signup": "会員登録",
        "newsletter": "ニュースレター登録",
        "birthday": "お誕生日",
        "review": "レビュー投稿",
        "referral": "お友達紹介特典",
        "custom": "ボーナス",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — {{ shop_name }}より",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "{{ shop_name }}：{{ points|points }}を獲得しました",
            "body": [
                "<strong>{{ points|points }}</strong>を獲得しました（{{ reason }}）。",
                "@balance",
                "いつもポイントプログラムをご利用いただき、ありがとうございます。",
            ],
            "sms": "{{ shop_name }}：{{ points|points }}を獲得しました（{{ reason }}）。"
            "残高：{{ points_balance|points }}",
        },
        "points_expiring": {
            "subject": "ポイントの有効期限が近づいています（{{ expires_on|date }}）",
            "body": [
                "{{ shop_name }}のポイントのうち、<strong>{{ points|points }}</strong>が"
                "{{ expires_on|date }}に失効します。",
                "失効する前に、お好きな特典と交換しませんか。",
                "@balance",
            ],
            "button": "特典を選ぶ",
            "sms": "{{ shop_name }}：{{ points|points }}が{{ expires_on|date }}に失効します。"
            "お早めにご利用ください。",
        },
        "reward_issued": {
            "subject": "特典をお届けします：{{ reward_title }}",
            "body": [
                "{{ shop_name }}の特典<strong>{{ reward_title }}</strong>"
                "{% if value %}（{{ value|money }}相当）{% endif %}をお届けします。",
                "@code",
                "{{ expires_at|datetime }}までに、ご購入手続きの際にこのコードを入力してください。",
                "この特典の交換に{{ points_spent|points }}を使用しました。",
                "@balance",
            ],
            "button": "お買い物を始める",
            "sms": "{{ shop_name }}：特典「{{ reward_title }}」のコードは{{ code }}です。"
            "有効期限：{{ expires_at|date }}",
        },
        "reward_code_expiring": {
            "subject": "「{{ reward_title }}」のコードの有効期限が近づいています",
            "body": [
                "<strong>{{ reward_title }}</strong>のコードは、{{ expires_at|datetime }}に有効期限を"
                "迎えます。",
                "@code",
                "期限までにご利用にならなかった場合もご安心ください。交換に使った"
                "{{ points_spent|points }}は残高に戻ります。",
            ],
            "button": "コードを使う",
            "sms": "{{ shop_name }}：コード{{ code }}の有効期限は{{ expires_at|date }}です。"
            "未使用の場合、{{ points_spent|points }}は残高に戻ります。",
        },
        "points_returned": {
            "subject": "{{ points|points }}を残高に戻しました",
            "body": [
                "{% if reason == 'failed' %}特典<strong>{{ reward_title }}</strong>の発行を完了できなかった"
                "ため、{{ points|points }}を残高に戻しました。ご迷惑をおかけして申し訳ありません。"
                "{% else %}<strong>{{ reward_title }}</strong>のコードが未使用のまま有効期限を迎えたため、"
                "{{ points|points }}を残高に戻しました。{% endif %}",
                "@balance",
                "次の特典の交換にぜひお使いください。",
            ],
            "sms": "{{ shop_name }}：{{ points|points }}を残高に戻しました"
            "{% if reason == 'failed' %}（特典を発行できなかったため）{% else %}（コードが未使用のまま"
            "期限切れとなったため）{% endif %}。",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}{{ tier_name }}ランクへようこそ！"
            "{% else %}VIPランクが変更されました{% endif %}",
            "body": [
                "{% if direction == 'up' %}おめでとうございます！{{ shop_name }}での会員ランクが"
                "<strong>{{ tier_name }}</strong>になりました。{% elif tier_name %}{{ shop_name }}での"
                "VIPランクが<strong>{{ tier_name }}</strong>に変更されました。{% else %}{{ shop_name }}"
                "での{{ previous_tier_name }}ランクの期間が終了しました。{% endif %}",
                "@perks",
                "{% if direction == 'up' %}いつもご愛顧いただき、ありがとうございます。{% else %}"
                "ポイントを貯めて、再びランクアップを目指しましょう。ご注文のたびにポイントが貯まります。"
                "{% endif %}",
            ],
            "perks_intro": "ご利用いただける特典：",
            "sms": "{{ shop_name }}：{% if direction == 'up' %}{{ tier_name }}ランクへようこそ！"
            "新しい特典をお楽しみください。{% elif tier_name %}VIPランクが{{ tier_name }}に変更"
            "されました。{% else %}VIPランクの期間が終了しました。{% endif %}",
        },
        "birthday": {
            "subject": "{{ shop_name }}より、お誕生日おめでとうございます！",
            "body": [
                "お誕生日おめでとうございます！{{ shop_name }}スタッフ一同、素敵な一日になりますよう"
                "心よりお祈りしております。",
                (
                    "points",
                    "ささやかなお祝いとして、<strong>{{ points|points }}</strong>をプレゼントいたしました。",
                ),
            ],
            "button": "ショップを見る",
            "sms": "{{ shop_name }}より：お誕生日おめでとうございます！{% if points %}"
            "{{ points|points }}をプレゼントしました。{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}：{{ limit_name }}の使用率が{{ used_percent|number }}%に達しました",
            "body": [
                "ショップの{{ limit_name }}の使用率が<strong>{{ used_percent|number }}%</strong>に"
                "達しました。",
                "上限に達すると、リセットされるまで一部の処理が遅くなったり一時停止したりする場合が"
                "あります。詳細はLoyalNestでご確認ください。",
            ],
        },
        "import_finished": {
            "subject": "{{ shop_name }}の顧客インポートが完了しました",
            "body": [
                "顧客のインポートが完了しました。結果は以下のとおりです。",
                [
                    "インポートした顧客：<strong>{{ customers_imported|number }}</strong>",
                    "登録したポイント：<strong>{{ points_imported|number }}</strong>",
                    "除外された行：<strong>{{ errors|number }}</strong>",
                ],
                ("errors", "各行が除外された理由はLoyalNestで確認できます。"),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}：今週のポイントプログラム",
            "body": [
                "{{ week_start|date }}から始まる週の、ポイントプログラムの実績です。",
                [
                    "獲得ポイント：<strong>{{ points_earned|number }}</strong>",
                    "利用ポイント：<strong>{{ points_redeemed|number }}</strong>",
                    "新規会員：<strong>{{ new_members|number }}</strong>",
                    "発行した特典：<strong>{{ rewards_issued|number }}</strong>",
                ],
                "詳しいレポートはLoyalNestでご覧いただけます。",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }}様から{{ shop_name }}"
            "へのご招待が届きました{% else %}{{ shop_name }}へのご招待が届きました{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong>様が、{{ shop_name }}"
                "をおすすめしています。{% else %}お知り合いの方が、{{ shop_name }}をおすすめしています。"
                "{% endif %}",
                "初回特典：<strong>{{ offer }}</strong>",
                "下のリンクからお買い物いただくと、特典が自動で適用されます。",
            ],
            "button": "特典を受け取る",
            "button_url": "link",
            "sms": "{{ shop_name }}：{% if advocate_first_name %}{{ advocate_first_name }}様から{% endif %}"
            "ご招待が届きました。特典：{{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "{{ shop_name }}のウェルカムコードをお届けします",
            "body": [
                "{{ shop_name }}へようこそ！特典：<strong>{{ offer }}</strong>",
                "@code",
                "{{ expires_at|datetime }}までに、ご購入手続きの際にこのコードを入力してく"
                "ださい。ご利用は1回限りです。",
            ],
            "button": "お買い物を始める",
            "sms": "{{ shop_name }}：ウェルカムコードは{{ code }}です（{{ offer }}）。有効期限："
            "{{ expires_at|date }}",
        },
        "referral_rewarded": {
            "subject": "{% if points %}ご紹介の特典として{{ points|points }}を獲得しました{% else %}"
            "ご紹介の特典をお届けします{% endif %}",
            "body": [
                "{% if friend_first_name %}ご紹介いただいた<strong>{{ friend_first_name }}</strong>様が、"
                "{{ shop_name }}で初めてのご注文をされました。{% else %}ご紹介いただいた方が、"
                "{{ shop_name }}で初めてのご注文をされました。{% endif %}ご紹介いただき、ありがと"
                "うございます。",
                "{% if points %}<strong>{{ points|points }}</strong>を付与いたしました。{% else %}特典："
                "<strong>{{ reward_title }}</strong>{% endif %}",
                "@balance",
                "引き続きリンクをシェアしてください。リンクから初めてのご注文があるたびに"
                "、新しい特典をお届けします。",
            ],
            "sms": "{{ shop_name }}：ご紹介の特典として{% if points %}{{ points|points }}{% else %}「"
            "{{ reward_title }}」{% endif %}を獲得しました。ありがとうございます！",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}{{ shop_name }}でのデータ削除のご確認"
            "{% else %}データのコピー請求のご確認{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}{{ shop_name }}が保有するお客様の個人デー"
                "タの削除のご依頼を受け付けました。"
                "{% else %}{{ shop_name }}が保有するお客様の個人データのコピーのご依頼を受け付けまし"
                "た。{% endif %}ご本人からのご依頼であることを確認するため、"
                "下のボタンから確定してください。",
                "{% if request_type == 'customer_redact' %}<strong>ご注意ください：</strong>"
                "確定すると、ポイントプログラムのアカウントは閉鎖され、"
                "お持ちのポイント（{{ points_forfeited|points }}）は失効します。"
                "<strong>この操作は取り消せません。</strong>{% else %}確定後、"
                "コピーの準備ができ次第、データをダウンロードするためのリンクをメールでお送りします。"
                "{% endif %}",
                "このリンクの有効期限は{{ link_expires_at|datetime }}です。",
                "お心当たりがない場合は、このメールを破棄してください。何も変更されません。",
            ],
            "button": "{% if request_type == 'customer_redact' %}削除を確定する{% else %}依頼を確定する"
            "{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "{{ shop_name }}のデータのダウンロード準備ができました",
            "body": [
                "{{ shop_name }}にご依頼いただいた個人データのコピーの準備ができました。",
                "{{ expires_at|datetime }}までダウンロードできます。期限を過ぎると、"
                "リンクとコピーは削除されます。",
                "このファイルには個人データが含まれています。安全な場所に保管してください。",
            ],
            "button": "データをダウンロードする",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}：依頼番号{{ request_number }}のデータエクスポートの準備ができました",
            "body": [
                "顧客からのデータ開示請求への対応が完了しました。エクスポートをダウンロードして、"
                "顧客にお渡しいただけます。",
                [
                    "依頼番号：<strong>{{ request_number }}</strong>",
                    "Shopify顧客ID：<strong>{{ shopify_customer_id }}</strong>",
                    "受付経路：{% if source == 'storefront' %}顧客ご本人（ポイントプログラムのウィジェッ"
                    "ト）{% else %}Shopify（顧客データ請求）{% endif %}",
                    "ダウンロード期限：<strong>{{ expires_at|datetime }}</strong>",
                ],
                "期限を過ぎると、リンクとエクスポートは削除されます。",
            ],
            "button": "エクスポートをダウンロードする",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}：プライバシー依頼（番号{{ request_number }}）が期限を過ぎています",
            "body": [
                "プライバシーに関する依頼（番号<strong>{{ request_number }}</strong>、"
                "{% if request_type == 'customer_redact' %}顧客データの削除"
                "{% elif request_type == 'shop_redact' %}ショップデータの削除{% else %}顧客によるデー"
                "タ開示請求{% endif %}）が、法定期限（{{ due_at|datetime }}）までに完了していません。",
                "LoyalNestで状況をご確認ください。依頼の内容が表示され、再実行することもできます。",
            ],
        },
    },
}
