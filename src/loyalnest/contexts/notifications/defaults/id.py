"""Indonesian (Anda, the polite register Indonesian shops use with customers)."""

# ruff: noqa: E501  (translation data: natural-language lines, non-Latin scripts)

from typing import Any

PHRASES: dict[str, Any] = {
    "points": {"other": "poin"},
    "footer": "Anda menerima email ini karena Anda adalah anggota program hadiah toko ini.",
    "unsubscribe": "Berhenti berlangganan email ini",
    "hello": "{% if customer_first_name %}Hai {{ customer_first_name }},{% else %}Hai,{% endif %}",
    "hello_staff": "Halo,",
    "balance": "Saldo Anda sekarang <strong>{{ points_balance|points }}</strong>.",
    "code_label": "Kode Anda",
    "shop_button": "Kunjungi {{ shop_name }}",
    "dashboard_button": "Buka LoyalNest",
    "footer_guest": "Anda menerima email ini karena alamat Anda dimasukkan ke program referal toko ini. "
    "Kami tidak akan mengirim email lain kecuali Anda memintanya.",
    # the unsubscribe page ({channel} / {topic} are filled by the page), what each customer
    # message is about (the page's {topic}), what earned points (points_earned's reason)
    "unsubscribe_page": {
        "title": "Berhenti berlangganan",
        "question": "Berhenti menerima {channel} tentang {topic}?",
        "button": "Berhenti berlangganan",
        "done_title": "Anda sudah berhenti berlangganan",
        "done": "Anda tidak akan menerima {channel} tentang {topic} lagi.",
        "refused_title": "Tautan ini tidak berfungsi",
        "refused": "Tautan berhenti berlangganan tidak valid (mungkin sudah diubah, atau "
        "diganti dengan yang lebih baru). Gunakan tautan di pesan terbaru, "
        "atau atur preferensi Anda di akun Anda.",
        "email": "email",
        "sms": "SMS",
        "any": "pesan-pesan ini",
    },
    "topics": {
        "nudge": "berita dan penawaran dari toko",
        "points_earned": "poin yang Anda kumpulkan",
        "points_expiring": "poin yang akan kedaluwarsa",
        "reward_issued": "kode hadiah Anda",
        "reward_code_expiring": "kode hadiah yang akan berakhir",
        "points_returned": "poin yang dikembalikan kepada Anda",
        "tier_changed": "perubahan tingkat VIP Anda",
        "birthday": "ucapan ulang tahun",
        "referral_invite": "undangan dari teman Anda",
        "referral_friend_code": "kode sambutan Anda",
        "referral_rewarded": "hadiah karena mengajak teman",
        "privacy_request_confirm": "konfirmasi permintaan privasi Anda",
        "privacy_export_ready": "salinan data Anda",
    },
    "reasons": {
        "order": "Pesanan no. {number}",
        "purchase": "Pembelian",
        "signup": "Pendaftaran",
        "newsletter": "Langganan buletin",
        "birthday": "Ulang tahun",
        "review": "Ulasan",
        "referral": "Hadiah referal",
        "custom": "Bonus",
    },
    "types": {
        # a merchant's nudge (analytics): their own title, text and call to action
        "nudge": {
            "subject": "{{ title }} — dari {{ shop_name }}",
            "body": ["{{ body }}", "@balance"],
            "button": "{{ cta_label }}",
            "button_url": "cta_url",
        },
        "points_earned": {
            "subject": "Anda mendapatkan {{ points|points }} di {{ shop_name }}",
            "body": [
                "Kabar baik: Anda baru saja mendapatkan <strong>{{ points|points }}</strong> ({{ reason }}).",
                "@balance",
                "Terima kasih telah menjadi bagian dari program hadiah kami!",
            ],
            "sms": "{{ shop_name }}: Anda mendapatkan {{ points|points }} ({{ reason }}). "
            "Saldo: {{ points_balance|points }}.",
        },
        "points_expiring": {
            "subject": "Poin Anda kedaluwarsa pada {{ expires_on|date }}",
            "body": [
                "<strong>{{ points|points }}</strong> dari saldo Anda di {{ shop_name }} akan kedaluwarsa "
                "pada {{ expires_on|date }}.",
                "Tukarkan dengan hadiah sebelum tanggal itu agar poin Anda tidak hangus.",
                "@balance",
            ],
            "button": "Pilih hadiah",
            "sms": "{{ shop_name }}: {{ points|points }} akan kedaluwarsa pada {{ expires_on|date }}. "
            "Segera tukarkan!",
        },
        "reward_issued": {
            "subject": "Hadiah Anda sudah tiba: {{ reward_title }}",
            "body": [
                "Nikmati hadiah Anda dari {{ shop_name }}: <strong>{{ reward_title }}</strong>"
                "{% if value %} (senilai {{ value|money }}){% endif %}.",
                "@code",
                "Masukkan kode ini saat checkout sebelum {{ expires_at|datetime }}.",
                "Anda menukarkan {{ points_spent|points }} untuk hadiah ini.",
                "@balance",
            ],
            "button": "Belanja sekarang",
            "sms": "{{ shop_name }}: hadiah {{ reward_title }} sudah siap. Kode: {{ code }}, "
            "berlaku hingga {{ expires_at|date }}.",
        },
        "reward_code_expiring": {
            "subject": "Kode Anda untuk {{ reward_title }} segera berakhir",
            "body": [
                "Sekadar mengingatkan: kode Anda untuk <strong>{{ reward_title }}</strong> berakhir pada "
                "{{ expires_at|datetime }}.",
                "@code",
                "Kalau tidak sempat dipakai, jangan khawatir: {{ points_spent|points }} yang Anda tukarkan "
                "akan kembali ke saldo Anda.",
            ],
            "button": "Pakai kode saya",
            "sms": "{{ shop_name }}: kode {{ code }} berakhir pada {{ expires_at|date }}. Jika tidak "
            "dipakai, {{ points_spent|points }} Anda akan kembali.",
        },
        "points_returned": {
            "subject": "{{ points|points }} telah dikembalikan ke saldo Anda",
            "body": [
                "{% if reason == 'failed' %}Kami tidak dapat menyelesaikan hadiah "
                "<strong>{{ reward_title }}</strong> Anda, jadi {{ points|points }} telah kami kembalikan "
                "ke saldo Anda. Mohon maaf atas ketidaknyamanannya!{% else %}Kode Anda untuk "
                "<strong>{{ reward_title }}</strong> berakhir tanpa digunakan, jadi {{ points|points }} "
                "telah kami kembalikan ke saldo Anda.{% endif %}",
                "@balance",
                "Poin tersebut siap dipakai untuk hadiah berikutnya.",
            ],
            "sms": "{{ shop_name }}: {{ points|points }} telah dikembalikan ke saldo Anda "
            "{% if reason == 'failed' %}(hadiah tidak dapat diselesaikan){% else %}(kode berakhir "
            "tanpa digunakan){% endif %}.",
        },
        "tier_changed": {
            "subject": "{% if direction == 'up' %}Selamat datang di level {{ tier_name }}!"
            "{% else %}Level VIP Anda telah berubah{% endif %}",
            "body": [
                "{% if direction == 'up' %}Selamat: Anda kini menjadi anggota <strong>{{ tier_name }}</strong> "
                "di {{ shop_name }}!{% elif tier_name %}Level VIP Anda di {{ shop_name }} sekarang "
                "<strong>{{ tier_name }}</strong>.{% else %}Keanggotaan {{ previous_tier_name }} Anda di "
                "{{ shop_name }} telah berakhir.{% endif %}",
                "@perks",
                "{% if direction == 'up' %}Terima kasih atas kesetiaan Anda.{% else %}Terus kumpulkan poin "
                "untuk naik level lagi: setiap pesanan berarti.{% endif %}",
            ],
            "perks_intro": "Keuntungan Anda:",
            "sms": "{{ shop_name }}: {% if direction == 'up' %}selamat datang di level {{ tier_name }}! "
            "Nikmati keuntungan baru Anda.{% elif tier_name %}level VIP Anda sekarang {{ tier_name }}."
            "{% else %}level VIP Anda telah berakhir.{% endif %}",
        },
        "birthday": {
            "subject": "Selamat ulang tahun dari {{ shop_name }}!",
            "body": [
                "Selamat ulang tahun! Semua orang di {{ shop_name }} berharap hari istimewa Anda "
                "menyenangkan.",
                (
                    "points",
                    "Untuk merayakannya, kami menambahkan <strong>{{ points|points }}</strong> ke "
                    "saldo Anda.",
                ),
            ],
            "button": "Manjakan diri Anda",
            "sms": "Selamat ulang tahun dari {{ shop_name }}!{% if points %} Kami menambahkan "
            "{{ points|points }} ke saldo Anda.{% endif %}",
        },
        "rate_limit_alert": {
            "subject": "{{ shop_name }}: {{ limit_name }} telah terpakai {{ used_percent|number }}%",
            "body": [
                "Toko Anda telah memakai <strong>{{ used_percent|number }}%</strong> dari batas "
                "{{ limit_name }}.",
                "Saat batas tercapai, beberapa proses bisa melambat atau berhenti sementara hingga batas "
                "direset. Lihat detailnya di LoyalNest.",
            ],
        },
        "import_finished": {
            "subject": "Impor pelanggan untuk {{ shop_name }} telah selesai",
            "body": [
                "Impor pelanggan Anda telah selesai. Hasilnya:",
                [
                    "Pelanggan diimpor: <strong>{{ customers_imported|number }}</strong>",
                    "Poin dicatat: <strong>{{ points_imported|number }}</strong>",
                    "Baris ditolak: <strong>{{ errors|number }}</strong>",
                ],
                ("errors", "Anda dapat melihat alasan setiap baris ditolak di LoyalNest."),
            ],
        },
        "weekly_summary": {
            "subject": "{{ shop_name }}: program loyalitas Anda minggu ini",
            "body": [
                "Berikut kinerja program hadiah Anda pada minggu yang dimulai {{ week_start|date }}:",
                [
                    "Poin diperoleh: <strong>{{ points_earned|number }}</strong>",
                    "Poin ditukarkan: <strong>{{ points_redeemed|number }}</strong>",
                    "Anggota baru: <strong>{{ new_members|number }}</strong>",
                    "Hadiah diberikan: <strong>{{ rewards_issued|number }}</strong>",
                ],
                "Lihat laporan lengkapnya di LoyalNest.",
            ],
        },
        "referral_invite": {
            "subject": "{% if advocate_first_name %}{{ advocate_first_name }} mengundang Anda ke "
            "{{ shop_name }}{% else %}Anda mendapat undangan dari {{ shop_name }}{% endif %}",
            "body": [
                "{% if advocate_first_name %}<strong>{{ advocate_first_name }}</strong> yakin Anda akan "
                "menyukai {{ shop_name }} dan mengundang Anda untuk mencobanya.{% else %}Seseorang yang "
                "mengenal Anda yakin Anda akan menyukai {{ shop_name }} dan mengundang Anda untuk "
                "mencobanya.{% endif %}",
                "Penawaran selamat datang untuk Anda: <strong>{{ offer }}</strong>.",
                "Penawaran ini otomatis berlaku saat Anda berbelanja melalui tautan di bawah.",
            ],
            "button": "Ambil penawaran",
            "button_url": "link",
            "sms": "{{ shop_name }}: {% if advocate_first_name %}{{ advocate_first_name }} mengundang Anda"
            "{% else %}Anda mendapat undangan{% endif %}. Penawaran: {{ offer }} {{ link }}",
        },
        "referral_friend_code": {
            "subject": "Kode selamat datang Anda di {{ shop_name }}",
            "body": [
                "Selamat datang di {{ shop_name }}! Penawaran Anda: <strong>{{ offer }}</strong>.",
                "@code",
                "Masukkan kode ini saat checkout sebelum {{ expires_at|datetime }}. Kode hanya dapat "
                "digunakan sekali.",
            ],
            "button": "Mulai belanja",
            "sms": "{{ shop_name }}: kode selamat datang Anda {{ code }} ({{ offer }}), berlaku hingga "
            "{{ expires_at|date }}.",
        },
        "referral_rewarded": {
            "subject": "{% if points %}Anda mendapatkan {{ points|points }} dari referal{% else %}Hadiah "
            "referal Anda sudah tiba{% endif %}",
            "body": [
                "{% if friend_first_name %}<strong>{{ friend_first_name }}</strong>, teman yang Anda ajak, "
                "baru saja melakukan pesanan pertama di {{ shop_name }}.{% else %}Teman yang Anda ajak baru "
                "saja melakukan pesanan pertama di {{ shop_name }}.{% endif %} Terima kasih telah "
                "merekomendasikan kami!",
                "{% if points %}Kami menambahkan <strong>{{ points|points }}</strong> ke saldo Anda."
                "{% else %}Hadiah Anda: <strong>{{ reward_title }}</strong>.{% endif %}",
                "@balance",
                "Terus bagikan tautan Anda: setiap pesanan pertama melalui tautan itu memberi Anda hadiah "
                "baru.",
            ],
            "sms": "{{ shop_name }}: referal Anda menghasilkan {% if points %}{{ points|points }}{% else %}"
            "{{ reward_title }}{% endif %}. Terima kasih!",
        },
        "privacy_request_confirm": {
            "subject": "{% if request_type == 'customer_redact' %}Konfirmasi penghapusan data Anda di "
            "{{ shop_name }}{% else %}Konfirmasi permintaan salinan data Anda{% endif %}",
            "body": [
                "{% if request_type == 'customer_redact' %}Kami menerima permintaan untuk menghapus "
                "data pribadi yang disimpan {{ shop_name }} tentang Anda.{% else %}Kami menerima "
                "permintaan salinan data pribadi yang disimpan {{ shop_name }} tentang "
                "Anda.{% endif %} Untuk memastikan permintaan ini berasal dari Anda, silakan "
                "konfirmasi melalui tombol di bawah.",
                "{% if request_type == 'customer_redact' %}<strong>Perhatian:</strong> setelah Anda "
                "konfirmasi, akun program hadiah Anda ditutup dan poin Anda "
                "({{ points_forfeited|points }}) akan hangus. <strong>Tindakan ini tidak dapat "
                "dibatalkan.</strong>{% else %}Setelah Anda konfirmasi, kami akan mengirimkan tautan "
                "untuk mengunduh data Anda melalui email begitu salinannya siap.{% endif %}",
                "Tautan ini berlaku hingga {{ link_expires_at|datetime }}.",
                "Jika Anda tidak memintanya, abaikan saja email ini: tidak akan terjadi apa-apa.",
            ],
            "button": "{% if request_type == 'customer_redact' %}Konfirmasi "
            "penghapusan{% else %}Konfirmasi permintaan saya{% endif %}",
            "button_url": "confirm_url",
        },
        "privacy_export_ready": {
            "subject": "Data Anda dari {{ shop_name }} siap diunduh",
            "body": [
                "Salinan data pribadi yang Anda minta dari {{ shop_name }} sudah siap.",
                "Anda dapat mengunduhnya hingga {{ expires_at|datetime }}. Setelah itu, tautan dan "
                "salinannya akan dihapus.",
                "File ini berisi data pribadi Anda: simpan di tempat yang aman.",
            ],
            "button": "Unduh data saya",
            "button_url": "download_url",
        },
        "privacy_data_request_ready": {
            "subject": "{{ shop_name }}: ekspor data untuk permintaan #{{ request_number }} sudah siap",
            "body": [
                "Permintaan data dari pelanggan telah dipenuhi: ekspor datanya siap diunduh dan "
                "diteruskan kepada pelanggan.",
                [
                    "Permintaan: <strong>#{{ request_number }}</strong>",
                    "ID pelanggan Shopify: <strong>{{ shopify_customer_id }}</strong>",
                    "Diterima {% if source == 'storefront' %}langsung dari pelanggan, melalui widget "
                    "loyalitas Anda{% else %}melalui Shopify (permintaan data pelanggan){% endif %}",
                    "Tersedia hingga: <strong>{{ expires_at|datetime }}</strong>",
                ],
                "Setelah tanggal itu, tautan dan ekspornya akan dihapus.",
            ],
            "button": "Unduh ekspor",
            "button_url": "download_url",
        },
        "privacy_request_overdue": {
            "subject": "{{ shop_name }}: permintaan privasi #{{ request_number }} melewati batas waktu",
            "body": [
                "Permintaan privasi <strong>#{{ request_number }}</strong> "
                "({% if request_type == 'customer_redact' %}penghapusan data "
                "pelanggan{% elif request_type == 'shop_redact' %}penghapusan data toko "
                "Anda{% else %}permintaan data dari pelanggan{% endif %}) belum selesai dalam batas "
                "waktu yang ditetapkan hukum, yang berakhir pada {{ due_at|datetime }}.",
                "Silakan periksa di LoyalNest: permintaan tersebut ditampilkan di sana dan Anda "
                "dapat mencobanya lagi.",
            ],
        },
    },
}
