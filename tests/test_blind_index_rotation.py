"""Rotating the blind index key, and the encryption key with it, under live traffic.

Data is written under the old keys only (the dev default, a bare blind key); then the
new keys are configured in front of the old ones and every lookup must still find it;
both rotations run while Shopify webhooks are received and processed; then the old keys
are dropped and nothing may be lost. Lookups go through the product's own paths: the
GraphQL customer search, the customers api, order webhooks naming discount and friend
codes, a repeated referral claim. The keys are switched for the whole test process (its
HTTP server and its Dramatiq worker read the same settings), and every row of the shared
test database is put back under the dev keys at the end.
"""

from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.notifications import tokens
from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.crypto import Keyring, get_keyring
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.key_rotation import (
    blind_index_columns,
    encrypted_columns,
    reindex_column,
    rotate_column,
)
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from loyalnest.settings import DEV_BLIND_INDEX_KEY, DEV_ENCRYPTION_KEYS, get_settings
from tests import payloads
from tests.contexts.points.helpers import execute
from tests.contexts.referrals.support import advocate, code_of, enable, friend_order, place, referral_rows
from tests.contexts.rewards import support as rewards_support
from tests.contexts.support import rows, scalar

NEW_BLIND = "bidx2:" + base64.b64encode(b"rotated-blind-index-key-32-bytes").decode()
NEW_ENCRYPTION = "enc2:" + base64.b64encode(b"rotated-encryption-key-32-bytes!").decode()
SEARCH = "query ($q: String!) { customers(search: $q) { nodes { id } } }"


@contextmanager
def keys(blind: str, encryption: str) -> Iterator[None]:
    """Configure these keys for this process (server, worker, tests) until the block ends."""
    names = ("LOYALNEST_BLIND_INDEX_KEY", "LOYALNEST_ENCRYPTION_KEYS")
    before = {name: os.environ.get(name) for name in names}

    def apply(values: dict[str, str | None]) -> None:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
        get_keyring.cache_clear()

    apply(dict(zip(names, (blind, encryption), strict=True)))
    try:
        yield
    finally:
        apply(before)


async def rotate_everything(*, batch_size: int = 25) -> int:
    """One pass of each rotation over the whole database; returns the busy rows the
    blind index walk skipped (0: every index is under the current key)."""
    keyring = get_keyring()
    busy = 0
    for spec in blind_index_columns():
        busy += (await reindex_column(keyring, spec, batch_size=batch_size)).busy
    for column in encrypted_columns():
        await rotate_column(keyring, column, batch_size=batch_size)
    return busy


async def settle_rotation() -> None:
    """Run again what live traffic kept busy, until nothing is left (as an operator would)."""
    for _ in range(10):
        if await rotate_everything() == 0:
            return
    raise AssertionError("rows stayed busy through ten passes")


async def found_by_search(shop, email: str) -> int:
    result = await shop.gql(SEARCH, {"q": email})
    assert "errors" not in result, result
    return len(result["data"]["customers"]["nodes"])


async def claim(shop, code: str, email: str) -> referrals.ClaimResult:
    async with unit_of_work() as uow:
        return await referrals.claim_referral(uow, merchant_id=shop.id, code=code, email=email, visitor="v1")


async def claimed_again(shop, code: str, email: str) -> bool:
    try:
        await claim(shop, code, email)
    except ValidationFailed as refused:
        return refused.code == "ALREADY_CLAIMED"
    return False


@pytest.fixture
def fake(broker):
    with rewards_support.admin_fake() as fake:
        yield fake


@pytest.mark.heavy
async def test_both_keys_rotate_under_live_webhooks_and_no_lookup_is_lost(shop, drain, fake):
    await rewards_support.connect_shop(shop, fake)
    await enable(shop, friend_kind="percentage", friend_value=Decimal("10"))

    # --- written under the old keys only (the dev defaults) ---------------------------------
    emails = [f"Before{n}@Example.com" for n in range(6)]
    for n, email in enumerate(emails):
        body = payloads.customer(700_000 + n, email=email, birthday="1990-05-17" if n == 0 else None)
        assert (await shop.webhook("customers/create", body)).status_code == 200
    await drain()
    born = await customers.get_by_shopify_id(shop.id, 700_000)
    assert born is not None
    # set long ago: the birthday reward may go to it (a same-day update must not reset it)
    await execute(
        "update customers set birthday_set_at = now() - interval '400 days'"
        " where merchant_id = :m and id = :c",
        m=shop.id,
        c=born.id,
    )
    holder = await rewards_support.customer_with_points(shop.id, 700_100, 1000)
    reward = await rewards_support.make_reward(shop.id, points_cost=100)
    codes = []
    for _ in range(3):
        outcome = await rewards.redeem_reward(
            merchant_id=shop.id, customer_id=holder, reward_id=reward, actor="customer:test"
        )
        assert outcome.error is None
        codes.append(outcome.redemption.code)
    ada = await advocate(shop, drain, email="ada.rotation@example.com")
    ada_code = await code_of(shop, ada)
    friends = [await claim(shop, ada_code, f"friend{n}@example.com") for n in range(3)]
    async with unit_of_work() as uow:
        await referrals.send_invite(
            uow, merchant_id=shop.id, customer_id=ada, channel="email", to="pal@example.com"
        )
    await drain()
    old_ring = get_keyring()
    unsubscribe = tokens.sign(shop.id, born.id, "points_earned", "email")
    stored_before = await scalar(
        "select email_bidx from customers where merchant_id = :m and id = :c", m=shop.id, c=born.id
    )
    assert stored_before == old_ring.blind_index(emails[0], kind="email")

    try:
        # --- new keys first, old after: everything is still found ---------------------------
        with keys(f"{NEW_BLIND},{DEV_BLIND_INDEX_KEY}", f"{NEW_ENCRYPTION},{DEV_ENCRYPTION_KEYS}"):
            assert get_keyring().blind_kid == "bidx2"
            for email in emails:
                assert await found_by_search(shop, email.lower()) == 1
            assert await customers.customer_id_by_email(shop.id, emails[0]) == born.id
            assert await claimed_again(shop, ada_code, "FRIEND0@example.com")
            assert tokens.verify(unsubscribe).customer_id == born.id  # a link already sent
            # the same birthday from a newer payload, its stored index still the old key's:
            # not a moved birthday, so its wait does not start again
            again = payloads.customer(
                700_000, email=emails[0], birthday="1990-05-17", updated_at="2026-11-20T10:00:00Z"
            )
            assert (await shop.webhook("customers/update", again)).status_code == 200
            await drain()
            assert await scalar(
                "select birthday_set_at < now() - interval '300 days' from customers"
                " where merchant_id = :m and id = :c",
                m=shop.id,
                c=born.id,
            )

            # --- both rotations while webhooks keep coming ---------------------------------
            async def traffic() -> None:
                for n in range(12):
                    email = f"during{n}@example.com"
                    body = payloads.customer(710_000 + n, email=email)
                    assert (await shop.webhook("customers/create", body)).status_code == 200
                    if n == 3:  # the same birthday again, from a newer payload
                        again = payloads.customer(
                            700_000, email=emails[0], birthday="1990-05-17", updated_at="2026-11-21T10:00:00Z"
                        )
                        assert (await shop.webhook("customers/update", again)).status_code == 200
                    if n == 6:  # a reward code and a friend code used meanwhile
                        used = payloads.order(
                            720_001,
                            subtotal="30.00",
                            customer_body=payloads.customer(700_100),
                            discount_codes=[codes[0]],
                        )
                        assert (await shop.webhook("orders/create", used)).status_code == 200
                        friend = friend_order(720_002, 730_000, discount_codes=[friends[0].code])
                        assert (await shop.webhook("orders/create", friend)).status_code == 200
                    await asyncio.sleep(0.01)

            await asyncio.gather(rotate_everything(batch_size=3), traffic())
            await drain()
            await settle_rotation()
            await drain()

            # every index is the new key's now: the old key can go
            assert await scalar(
                "select email_bidx from customers where merchant_id = :m and id = :c", m=shop.id, c=born.id
            ) == get_keyring().blind_index(emails[0], kind="email")
            left = await scalar(
                "select count(*) from customers where merchant_id = :m and email_enc not like 'enc2:%'",
                m=shop.id,
            )
            assert left == 0

        # --- the old keys dropped: no lookup is lost ----------------------------------------
        with keys(NEW_BLIND, NEW_ENCRYPTION):
            assert len(get_keyring().blind_keys) == 1
            for email in [*emails, *(f"during{n}@example.com" for n in range(12))]:
                assert await found_by_search(shop, email) == 1, email
            assert await customers.customer_id_by_email(shop.id, emails[0].upper()) == born.id
            # the birthday: found on its day, and still counted as set long ago
            day = await customers.customers_with_birthday_on(
                shop.id, ["05-17"], set_before=utcnow() - timedelta(days=30)
            )
            assert day == [born.id]
            # codes: the one used during the rotation was fulfilled, one used now is too
            used = payloads.order(
                720_003, subtotal="30.00", customer_body=payloads.customer(700_100), discount_codes=[codes[1]]
            )
            assert (await shop.webhook("orders/create", used)).status_code == 200
            await drain()
            by_code = {
                r["shopify_order_id"]: r["status"] for r in await rewards_support.redemption_rows(shop.id)
            }
            assert by_code.get(720_001) == "fulfilled"
            assert by_code.get(720_003) == "fulfilled"
            # referrals: a claim made under the old key is still one claim, and its friend
            # code still attributes the order that uses it
            assert await claimed_again(shop, ada_code, "friend1@example.com")
            await place(shop, drain, friend_order(720_004, 730_001, discount_codes=[friends[1].code]))
            sources = {r["shopify_order_id"]: r["source"] for r in await referral_rows(shop)}
            assert sources.get(720_002) == "friend_code"
            assert sources.get(720_004) == "friend_code"
            # the one-way invite index cannot be recomputed: counted, not claimed as rotated
            [invites] = [spec for spec in blind_index_columns() if spec.table == "referral_invites"]
            assert (await reindex_column(get_keyring(), invites)).without_value >= 1
            # a link signed with the dropped key no longer verifies (README: pin the key first)
            with pytest.raises(tokens.InvalidToken):
                tokens.verify(unsubscribe)
    finally:
        # every row of the shared test database back under the dev keys
        await drain()
        with keys(f"{DEV_BLIND_INDEX_KEY},{NEW_BLIND}", f"{DEV_ENCRYPTION_KEYS},{NEW_ENCRYPTION}"):
            await settle_rotation()
    assert await found_by_search(shop, "during0@example.com") == 1
    assert await customers.customer_id_by_email(shop.id, emails[0]) == born.id


async def test_a_pinned_signing_key_keeps_old_unsubscribe_links_working_after_the_blind_key_goes(shop):
    old = Keyring.from_config(DEV_ENCRYPTION_KEYS, DEV_BLIND_INDEX_KEY)
    assert get_keyring().derived_keys(b"x") == old.derived_keys(b"x")
    link = tokens.sign(shop.id, 42, "points_earned", "email")
    with keys(NEW_BLIND, DEV_ENCRYPTION_KEYS):
        with pytest.raises(tokens.InvalidToken):
            tokens.verify(link)
        os.environ["LOYALNEST_UNSUBSCRIBE_SIGNING_KEY"] = DEV_BLIND_INDEX_KEY
        get_settings.cache_clear()
        try:
            assert tokens.verify(link).customer_id == 42
        finally:
            os.environ.pop("LOYALNEST_UNSUBSCRIBE_SIGNING_KEY")
            get_settings.cache_clear()


async def test_signed_links_verify_under_every_listed_blind_key_and_stop_with_their_key():
    from loyalnest.platform import signed_tokens

    purpose = b"loyalnest.test.rotation-link.v1"
    expires = utcnow() + timedelta(hours=1)
    link = signed_tokens.sign(signed_tokens.purpose_key(purpose), (7, 8), expires)
    with keys(f"{NEW_BLIND},{DEV_BLIND_INDEX_KEY}", DEV_ENCRYPTION_KEYS):
        claim = signed_tokens.verify(signed_tokens.purpose_keys(purpose), link, arity=2, now=utcnow())
        assert claim is not None
        assert claim[0] == (7, 8)
        fresh = signed_tokens.sign(signed_tokens.purpose_key(purpose), (7, 9), expires)
    with keys(NEW_BLIND, DEV_ENCRYPTION_KEYS):
        assert signed_tokens.verify(signed_tokens.purpose_keys(purpose), link, arity=2, now=utcnow()) is None
        assert (
            signed_tokens.verify(signed_tokens.purpose_keys(purpose), fresh, arity=2, now=utcnow())
            is not None
        )


@pytest.mark.heavy
async def test_reindexing_skips_markers_and_conflicts_counts_unreadable_values_and_runs_once(shop, fake):
    await rewards_support.connect_shop(shop, fake)
    holder = await rewards_support.customer_with_points(shop.id, 740_000, 500)
    reward = await rewards_support.make_reward(shop.id, points_cost=100)
    for _ in range(4):
        await rewards.redeem_reward(
            merchant_id=shop.id, customer_id=holder, reward_id=reward, actor="customer:t"
        )
    redemptions = "select id, code_enc, code_bidx from reward_redemptions where merchant_id = :m order by id"
    [erased, kept, twin, orphan] = await rows(redemptions, m=shop.id)
    await execute(
        "update reward_redemptions set code_bidx = 'erased:' || id where merchant_id = :m and id = :i",
        m=shop.id,
        i=erased["id"],
    )
    # the same code stored twice (the column is unique): its second row cannot take the
    # new index, and the walk must go on past it
    await execute(
        "update reward_redemptions set code_enc = :enc where merchant_id = :m and id = :i",
        enc=kept["code_enc"],
        m=shop.id,
        i=twin["id"],
    )
    gone = Keyring.from_config("gone1:" + base64.b64encode(b"g" * 32).decode(), DEV_BLIND_INDEX_KEY)
    await execute(
        "update reward_redemptions set code_enc = :enc where merchant_id = :m and id = :i",
        enc=gone.encrypt("LN-GONE-GONE-GONE", context=b"reward_redemptions.code"),
        m=shop.id,
        i=orphan["id"],
    )
    [spec] = [s for s in blind_index_columns() if (s.table, s.column) == ("reward_redemptions", "code_bidx")]
    try:
        with keys(f"{NEW_BLIND},{DEV_BLIND_INDEX_KEY}", DEV_ENCRYPTION_KEYS):
            first = await reindex_column(get_keyring(), spec, batch_size=1)
            assert first.reindexed >= 1
            assert first.busy == 0
            assert first.conflicting == 1
            assert first.unreadable >= 1
            second = await reindex_column(get_keyring(), spec, batch_size=1)
            assert second.reindexed == 0
            assert second.current == first.reindexed + first.current
            after = {r["id"]: r["code_bidx"] for r in await rows(redemptions, m=shop.id)}
            assert after[erased["id"]] == f"erased:{erased['id']}"  # a marker, left alone
            assert after[kept["id"]] == get_keyring().blind_index(
                get_keyring().decrypt(kept["code_enc"], context=b"reward_redemptions.code"),
                kind="discount_code",
            )
            assert after[twin["id"]] == twin["code_bidx"]  # refused: still the old key's
            assert after[orphan["id"]] == orphan["code_bidx"]  # unreadable: left as it was
    finally:
        with keys(f"{DEV_BLIND_INDEX_KEY},{NEW_BLIND}", DEV_ENCRYPTION_KEYS):
            await reindex_column(get_keyring(), spec)
    back = {r["id"]: r["code_bidx"] for r in await rows(redemptions, m=shop.id)}
    assert back[kept["id"]] == kept["code_bidx"]
