"""English: the reference the other locales translate (see the package docstring for the
phrase conventions)."""

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"one": "point", "other": "points"},
    "footer": "You are receiving this email because you are a member of this shop's rewards program.",
    "unsubscribe": "Unsubscribe from these emails",
    "hello": "{% if customer_first_name %}Hi {{ customer_first_name }},{% else %}Hi there,{% endif %}",
    "hello_staff": "Hello,",
    "balance": "Your balance is now <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Your code",
    "shop_button": "Visit {{ shop_name }}",
    "dashboard_button": "Open LoyalNest",
    "footer_guest": "You are receiving this email because your address was entered in this shop's referral "
    "program. No further emails will follow unless you ask for them.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Unsubscribe",
        "question": "Stop receiving {channel} about {topic}?",
        "button": "Unsubscribe",
        "done_title": "You are unsubscribed",
        "done": "You will not receive {channel} about {topic} any more.",
        "refused_title": "This link does not work",
        "refused": "The unsubscribe link is not valid (it may have been changed, or "
        "replaced by a newer one). Use the link in a recent message, or manage "
        "your preferences in your account.",
        "email": "emails",
        "sms": "text messages",
        "any": "these messages",
    },
    "topics": {
        "nudge": "news and offers from the shop",
        "points_earned": "the points you earn",
        "points_expiring": "points about to expire",
        "reward_issued": "your reward codes",
        "reward_code_expiring": "reward codes about to end",
        "points_returned": "points coming back to you",
        "tier_changed": "changes to your VIP tier",
        "birthday": "birthday greetings",
        "referral_invite": "invitations from your friends",
        "referral_friend_code": "your welcome code",
        "referral_rewarded": "rewards for referring friends",
        "privacy_request_confirm": "confirming your privacy requests",
        "privacy_export_ready": "copies of your data",
    },
    "reasons": {
        "order": "Order #{number}",
        "purchase": "Purchase",
        "signup": "Sign-up",
        "newsletter": "Newsletter",
        "birthday": "Birthday",
        "review": "Review",
        "referral": "Referral reward",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — from {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "You earned {{ points|points }} at {{ shop_name }}",
            "body": [
                "Good news: you just earned <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Thank you for being part of our rewards program!",
            ],
            "sms": "{{ shop_name }}: you earned {{ points|points }} ({{ reason }}). "
            "Balance: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Your points expire on {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> in your {{ shop_name }} balance will expire "
                "on {{ expires_on|date }}.",
                "Treat yourself to a reward before then, so they don't go to waste.",
                "@balance",
            ],
            "button": "Choose a reward",
            "sms": "{{ shop_name }}: {{ points|points }} will expire on {{ expires_on|date }}. "
            "Use them for a reward before then!",
        },
        "reward_issued": {
            "subject": "Your reward is here: {{ reward_title }}",
            "body": [
                "Enjoy your reward from {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (worth {{ value|money }}){% endif %}.",
                "@code",
                "Enter this code at checkout before {{ expires_at|datetime }}.",
                "You spent {{ points_spent|points }} on it.",
                "@balance",
            ],
            "button": "Shop now",
            "sms": "{{ shop_name }}: your reward {{ reward_title }} is ready. Code: {{ code }}, "
            "valid until {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Your code for {{ reward_title }} ends soon",
            "body": [
                "Just a reminder: your code for <strong>{{ reward_title }}</strong> ends on "
                "{{ expires_at|datetime }}.",
                "@code",
                "And if you don't get to use it, no worries: the {{ points_spent|points }} you "
                "spent on it will come back to your balance.",
            ],
            "button": "Use my code",
            "sms": "{{ shop_name }}: code {{ code }} ends on {{ expires_at|date }}. Not used by "
            "then? Your {{ points_spent|points }} come back.",
        },
        "points_returned": {
            "subject": "We returned {{ points|points }} to your balance",
            "body": [
                "{% if reason == 'failed' %}We couldn't complete your reward "
                "<strong>{{ reward_title }}</strong>, so we returned {{ points|points }} to your "
                "balance. Sorry about that!{% else %}Your code for <strong>{{ reward_title }}</strong> "
                "ended without being used, so we returned {{ points|points }} to your balance."
                "{% endif %}",
                "@balance",
                "They're ready for your next reward.",
            ],
            "sms": "{{ shop_name }}: we returned {{ points|points }} to your balance "
            "{% if reason == 'failed' %}(your reward could not be completed){% else %}(your code "
            "ended unused){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Welcome to {{ tier_name }}!"
            "{% else %}Your VIP tier has changed{% endif %}",
            "body": [
                "{% if direction == 'up' %}Congratulations: you are now a <strong>{{ tier_name }}"
                "</strong> member at {{ shop_name }}!{% elif tier_name %}Your VIP tier at {{ shop_name }} "
                "is now <strong>{{ tier_name }}</strong>.{% else %}Your {{ previous_tier_name }} "
                "membership at {{ shop_name }} has ended.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Thank you for your loyalty.{% else %}Keep earning points "
                "to move back up: every order counts.{% endif %}",
            ],
            "perks_intro": "Your perks:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}welcome to {{ tier_name }}! Enjoy "
            "your new perks.{% elif tier_name %}your VIP tier is now {{ tier_name }}.{% else %}your "
            "VIP tier has ended.{% endif %}",
        },
        "birthday": {
            "subject": "Happy birthday from {{ shop_name }}!",
            "body": [
                "Happy birthday! Everyone at {{ shop_name }} wishes you a wonderful day.",
                ("points", "To celebrate, we added <strong>{{ points|points }}</strong> to your balance."),
            ],
            "button": "Treat yourself",
            "sms": "Happy birthday from {{ shop_name }}!{% if points %} We added {{ points|points }} "
            "to your balance.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} is at {{ used_percent|number }}%",
            "body": [
                "Your shop has used <strong>{{ used_percent|number }}%</strong> of its "
                "{{ limit_name }} limit.",
                "When the limit is reached, some actions may slow down or pause until it resets. "
                "You can check the details in LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Your customer import for {{ shop_name }} is finished",
            "body": [
                "Your customer import is finished. Here are the results:",
                [
                    "Customers imported: <strong>{{ customers_imported|number }}</strong>",
                    "Points posted: <strong>{{ points_imported|number }}</strong>",
                    "Rows refused: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "You can see why each row was refused in LoyalNest."),
            ],
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: the data export for request #{{ request_number }} is ready",
            "body": [
                "A customer data request has been answered: the export of their data is ready to "
                "download and to pass on to the customer.",
                [
                    "Request: <strong>#{{ request_number }}</strong>",
                    "Shopify customer ID: <strong>{{ shopify_customer_id }}</strong>",
                    "Asked {% if source == 'storefront' %}by the customer in your loyalty widget"
                    "{% else %}through Shopify (customer data request){% endif %}",
                    "Available until: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "After that date the link and the export are deleted.",
            ],
            "button": "Download the export",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: privacy request #{{ request_number }} is overdue",
            "body": [
                "Privacy request <strong>#{{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}erasure of a customer's data"
                "{% elif request_type == 'shop_redact' %}erasure of your shop's data"
                "{% else %}a customer's request for their data{% endif %}) "
                "was not completed by its legal deadline, {{ due_at|datetime }}.",
                "Please check it in LoyalNest: the request is shown there, and you can retry it.",
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: your loyalty program this week",
            "body": [
                "Here is how your rewards program did in the week starting {{ week_start|date }}:",
                [
                    "Points earned: <strong>{{ points_earned|number }}</strong>",
                    "Points redeemed: <strong>{{ points_redeemed|number }}</strong>",
                    "New members: <strong>{{ new_members|number }}</strong>",
                    "Rewards issued: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "See the full report in LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} invites you to {{ shop_name }}"
            "{% else %}You're invited to {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> thinks you'll love "
                "{{ shop_name }} and invites you to try it.{% else %}A friend thinks you'll love "
                "{{ shop_name }} and invites you to try it.{% endif %}",
                "Your welcome offer: <strong>{{ offer }}</strong>.",
                "It is applied automatically when you shop through the link below.",
            ],
            "button": "Claim my offer",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }}{% else %}a friend"
            "{% endif %} invites you. Your offer: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Your welcome code for {{ shop_name }}",
            "body": [
                "Welcome to {{ shop_name }}! Here is your offer: <strong>{{ offer }}</strong>.",
                "@code",
                "Enter this code at checkout before {{ expires_at|datetime }}. It can be used once.",
            ],
            "button": "Start shopping",
            "sms": "{{ shop_name }}: your welcome code {{ code }} ({{ offer }}) is valid until "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}You earned {{ points|points }} for a referral{% else %}Your referral "
            "reward is here{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong> placed a first order at "
                "{{ shop_name }} thanks to you.{% else %}A friend you referred placed a first order at "
                "{{ shop_name }}.{% endif %} Thank you for spreading the word!",
                "{% if points %}We added <strong>{{ points|points }}</strong> to your balance.{% else %}"
                "Your reward: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Keep sharing your link: every first order it brings earns you another reward.",
            ],
            "sms": "{{ shop_name }}: a referral's first order earned you {% if points %}{{ points|points }}"
            "{% else %}{{ reward_title }}{% endif %}. Thank you!",
        },
        # a privacy request made in the widget: confirm it was the customer (an erasure
        # cannot be undone: say what is lost)
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Confirm the erasure of your data at "
            "{{ shop_name }}{% else %}Confirm your request for a copy of your data{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}We received a request to erase the personal "
                "data {{ shop_name }} holds about you.{% else %}We received a request for a copy of the "
                "personal data {{ shop_name }} holds about you.{% endif %} To make sure it came from you, "
                "please confirm it with the button below.",
                "{% if request_type == 'customer_redact' %}<strong>Please note:</strong> once you confirm, "
                "your rewards account is closed and your points ({{ points_forfeited|points }}) are lost. "
                "<strong>This cannot be undone.</strong>{% else %}Once you confirm, we will email you a "
                "link to download your data as soon as the copy is ready.{% endif %}",
                "The link works until {{ link_expires_at|datetime }}.",
                "If you did not ask for this, you can ignore this email: nothing will happen.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Confirm the erasure{% else %}Confirm my "
            "request{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Your data from {{ shop_name }} is ready to download",
            "body": [
                "The copy of your personal data you asked {{ shop_name }} for is ready.",
                "You can download it until {{ expires_at|datetime }}. After that, the link and the copy "
                "are deleted.",
                "The file contains your personal data: keep it somewhere safe.",
            ],
            "button": "Download my data",
            "button_url": "download_url",
        },
    },
}
