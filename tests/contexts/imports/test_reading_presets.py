"""Each vendor's headers, as their exports spell them, land in our canonical fields;
missing and ambiguous columns refuse the file naming them; the generic mapping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loyalnest.contexts.imports.reading import (
    Birthday,
    FileRefused,
    MappingRefused,
    Source,
    normalise_header,
    read_customers,
)
from loyalnest.contexts.imports.reading.refusals import AMBIGUOUS_COLUMNS, MISSING_COLUMN

from .reading_samples import TODAY, split, upload


def test_header_names_match_whatever_the_case_spaces_underscores_or_hyphens() -> None:
    assert {
        normalise_header(h)
        for h in (
            "Points Balance",
            "points_balance",
            "POINTS-BALANCE",
            "  points   balance ",
            "\ufeffPoints__Balance*",
        )
    } == {"points balance"}


def test_smile_export_with_title_case_api_names() -> None:
    text = (
        "ID,First Name,Last Name,EMAIL,State,Date Of Birth,Points Balance,Referral URL,"
        "VIP Tier,Vip Tier Id\r\n"
        "991,Ann,Lee,Ann.Lee@Example.com,member,1004-07-09,1200,https://i.refs.cc/Xy7Qw2?smile_ref=eyJ,Gold,5\r\n"
        "992,Bo,Ng,bo@example.com,candidate,1988-02-29,0,,,\r\n"
    )
    reader = read_customers(upload(text), Source.SMILE, today=TODAY)
    assert reader.columns == {
        "first_name": "First Name",
        "last_name": "Last Name",
        "email": "EMAIL",
        "birthday": "Date Of Birth",
        "points_balance": "Points Balance",
        "referral_url": "Referral URL",
        "tier_name": "VIP Tier",
    }
    # Smile's own id is not a Shopify id; its tier id is not a tier name
    assert reader.ignored_columns == ("ID", "State", "Vip Tier Id")
    records, errors = split(reader)
    assert errors == []
    ann, bo = records
    assert (ann.email, ann.points_balance, ann.tier_name) == ("ann.lee@example.com", 1200, "Gold")
    assert ann.birthday == Birthday(7, 9, None)  # 1004: year unknown
    assert (ann.referral_code, ann.referral_url) == ("Xy7Qw2", "https://i.refs.cc/Xy7Qw2?smile_ref=eyJ")
    assert bo.birthday == Birthday(2, 29, 1988)
    assert bo.birthday.as_date() is not None


def test_smile_points_and_tier_import_files() -> None:
    records, _ = split(read_customers(upload("email,points\nann@example.com,250\n"), Source.SMILE))
    assert records[0].points_balance == 250
    records, _ = split(
        read_customers(upload("email,vip_tier\nann@example.com,gold\n"), Source.SMILE, tiers=["Gold"])
    )
    assert records[0].tier_name == "Gold"  # any case in the file, the program's spelling out


def test_loyaltylion_export_keeps_approved_pending_and_spent_apart() -> None:
    text = (
        "Email,First name,Last name,Points approved,Points pending,Points spent,Tier,Birthday,"
        "Referral URL,Enrolled at,Total points\r\n"
        "ann@example.com,Ann,Lee,300,40,1000,Silver,1990-05-17,https://shop.example/?ref=ANN-42,"
        "2021-03-04T10:11:12Z,340\r\n"
    )
    reader = read_customers(upload(text), Source.LOYALTYLION, today=TODAY)
    assert reader.ignored_columns == ("Total points",)
    (ann,), errors = split(reader)
    assert errors == []
    assert (ann.points_balance, ann.points_pending, ann.points_spent) == (300, 40, 1000)
    assert ann.tier_name == "Silver"
    assert ann.birthday == Birthday(5, 17, 1990)
    assert ann.referral_code == "ANN-42"
    assert ann.enrolled_at == datetime(2021, 3, 4, 10, 11, 12, tzinfo=UTC)


def test_yotpo_full_name_and_month_day_birthdays() -> None:
    text = (
        "Full Name,Email,Points Balance,Points Spent,Birthday,Anniversary\r\n"
        "Mary Ann Smith,mary@example.com,75,20,05/17,01/01\r\n"
        "Cher,cher@example.com,0,0,12/31/1969,\r\n"
    )
    reader = read_customers(upload(text), Source.YOTPO, today=TODAY)
    assert reader.ignored_columns == ("Anniversary",)
    (mary, cher), errors = split(reader)
    assert errors == []
    assert (mary.first_name, mary.last_name) == ("Mary", "Ann Smith")
    assert (mary.points_balance, mary.points_spent) == (75, 20)
    assert mary.birthday == Birthday(5, 17, None)
    assert (cher.first_name, cher.last_name, cher.birthday) == ("Cher", None, Birthday(12, 31, 1969))


def test_yotpo_first_and_last_name_win_over_full_name() -> None:
    text = (
        "First Name,Last Name,Full Name,Email\nAnn,Lee,Someone Else,ann@example.com\n,,Bo Ng,bo@example.com\n"
    )
    (ann, bo), _ = split(read_customers(upload(text), Source.YOTPO))
    assert (ann.first_name, ann.last_name) == ("Ann", "Lee")
    assert (bo.first_name, bo.last_name) == ("Bo", "Ng")


def test_bon_style_shopify_customer_id_without_email() -> None:
    text = "Shopify Customer ID,Points\n7390123456789,10\ngid://shopify/Customer/7390123456790,20\n"
    records, errors = split(read_customers(upload(text), Source.GENERIC))
    assert errors == []
    assert [(r.shopify_customer_id, r.email, r.points_balance) for r in records] == [
        (7390123456789, None, 10),
        (7390123456790, None, 20),
    ]


@pytest.mark.parametrize(
    ("source", "spelled"),
    [(Source.SMILE, "'email'"), (Source.YOTPO, "'Email'"), (Source.LOYALTYLION, "'Email'")],
)
def test_a_missing_required_column_is_named_in_the_vendors_spelling(source: Source, spelled: str) -> None:
    with pytest.raises(FileRefused) as refused:
        read_customers(upload("Name,Points Balance\nAnn,5\n"), source)
    assert refused.value.code == MISSING_COLUMN
    assert f"no {spelled} column" in refused.value.message
    assert "'Name', 'Points Balance'" in refused.value.message  # what the file has instead


def test_generic_needs_an_email_or_a_shopify_customer_id_column() -> None:
    with pytest.raises(FileRefused, match="no 'email' or 'shopify_customer_id' column"):
        read_customers(upload("Mail,Points\nann@example.com,5\n"), Source.GENERIC)


def test_two_columns_for_one_field_refuse_the_file() -> None:
    with pytest.raises(
        FileRefused, match="'Points' and 'Points approved' both hold points_balance"
    ) as refused:
        read_customers(upload("Email,Points,Points approved\nann@example.com,1,2\n"), Source.LOYALTYLION)
    assert refused.value.code == AMBIGUOUS_COLUMNS


def test_generic_mapping_reads_the_merchants_own_headers() -> None:
    text = "Mail,Solde,Niveau,Anniv,Newsletter\nANN@example.com,42,gold,17.05.1990,Oui\n"
    mapping = {
        "mail": "email",
        "SOLDE": "points_balance",
        "Niveau": "tier_name",
        "anniv": "birthday",
        "Newsletter": None,
    }
    reader = read_customers(upload(text), Source.GENERIC, mapping, today=TODAY)
    assert reader.ignored_columns == ("Newsletter",)
    (ann,), errors = split(reader)
    assert errors == []
    assert (ann.email, ann.points_balance, ann.tier_name, ann.birthday) == (
        "ann@example.com",
        42,
        "gold",
        Birthday(5, 17, 1990),
    )


def test_a_mapping_overrides_the_presets_own_column_for_that_field() -> None:
    # the merchant says their balance is in "Points approved + pending"; plain "Points" is then ignored
    text = "Email,Points,Approved plus pending\nann@example.com,1,2\n"
    reader = read_customers(upload(text), Source.LOYALTYLION, {"Approved plus pending": "points_balance"})
    (ann,), _ = split(reader)
    assert ann.points_balance == 2
    assert reader.ignored_columns == ("Points",)


def test_a_mapping_to_an_unknown_field_or_two_columns_to_one_field_is_refused() -> None:
    with pytest.raises(MappingRefused, match="unknown field 'balance'"):
        read_customers(upload("a\nb\n"), Source.GENERIC, {"Solde": "balance"})
    with pytest.raises(MappingRefused, match="'Solde' and 'Points' are both mapped to points_balance"):
        read_customers(
            upload("a\nb\n"), Source.GENERIC, {"Solde": "points_balance", "Points": "points_balance"}
        )
    with pytest.raises(MappingRefused, match="unknown source"):
        read_customers(upload("a\nb\n"), "RIVO")


def test_a_mapped_column_missing_from_the_file_is_named_as_the_merchant_mapped_it() -> None:
    with pytest.raises(FileRefused, match="no 'Mail' or 'shopify_customer_id' column"):
        read_customers(upload("Email address,Points\nann@example.com,5\n"), "generic", {"Mail": "email"})
