"""The lot arithmetic (FIFO spending, expiry dates, returns), on plain values: examples
plus properties (hypothesis), and a model of a customer's lots driven by random
sequences of earning, spending, returning and time passing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalnest.contexts.points import rules

# See test_rules.py: the session's worker threads move the global `random` state.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"
)

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

lot_lists = st.lists(st.integers(0, 500), min_size=0, max_size=12).map(
    lambda sizes: [rules.Lot(i + 1, size) for i, size in enumerate(sizes)]
)
timezones = st.sampled_from(
    ["UTC", "America/New_York", "Europe/Paris", "Asia/Kolkata", "Pacific/Auckland", "America/St_Johns"]
)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)


class TestTakeFromLots:
    def test_oldest_first(self):
        lots = [rules.Lot(1, 10), rules.Lot(2, 20), rules.Lot(3, 30)]
        assert rules.take_from_lots(lots, 25) == [(1, 10), (2, 15)]

    def test_named_lots_go_first_then_oldest(self):
        lots = [rules.Lot(1, 10), rules.Lot(2, 20), rules.Lot(3, 30)]
        assert rules.take_from_lots(lots, 35, first=[3]) == [(3, 30), (1, 5)]

    def test_empty_lots_and_unknown_names_are_skipped(self):
        lots = [rules.Lot(1, 0), rules.Lot(2, 5)]
        assert rules.take_from_lots(lots, 5, first=[9, 1]) == [(2, 5)]

    def test_zero_takes_nothing(self):
        assert rules.take_from_lots([rules.Lot(1, 5)], 0) == []

    def test_more_than_the_lots_hold_is_refused(self):
        with pytest.raises(ValueError, match="hold 5 points; 6 needed"):
            rules.take_from_lots([rules.Lot(1, 5)], 6)

    @given(lots=lot_lists, data=st.data())
    def test_property_takes_exactly_the_amount_oldest_first(self, lots, data):
        total = sum(lot.remaining for lot in lots)
        amount = data.draw(st.integers(0, total))
        taken = rules.take_from_lots(lots, amount)
        assert sum(points for _, points in taken) == amount
        by_id = {lot.id: lot for lot in lots}
        assert all(0 < points <= by_id[lot_id].remaining for lot_id, points in taken)
        ids = [lot_id for lot_id, _ in taken]
        assert ids == sorted(ids)
        assert len(set(ids)) == len(ids)
        # FIFO: every lot taken from, except perhaps the last, is emptied, and no open
        # lot older than the last one taken from is left untouched
        assert all(points == by_id[lot_id].remaining for lot_id, points in taken[:-1])
        if taken:
            untouched = {lot.id for lot in lots if lot.remaining > 0} - set(ids)
            assert all(lot_id > ids[-1] for lot_id in untouched)

    @given(lots=lot_lists, data=st.data())
    def test_property_named_lot_is_emptied_before_any_other(self, lots, data):
        total = sum(lot.remaining for lot in lots)
        amount = data.draw(st.integers(0, total))
        named = data.draw(st.sampled_from([lot.id for lot in lots])) if lots else 99
        taken = rules.take_from_lots(lots, amount, first=[named])
        assert sum(points for _, points in taken) == amount
        own = next((lot.remaining for lot in lots if lot.id == named), 0)
        from_named = sum(points for lot_id, points in taken if lot_id == named)
        assert from_named == min(own, amount)
        if from_named:
            assert taken[0][0] == named

    @given(lots=lot_lists, extra=st.integers(1, 100))
    def test_property_never_takes_more_than_is_there(self, lots, extra):
        with pytest.raises(ValueError, match="needed"):
            rules.take_from_lots(lots, sum(lot.remaining for lot in lots) + extra)


consumed_lists = st.lists(st.tuples(st.integers(1, 50), st.integers(1, 100)), max_size=8).map(
    lambda pairs: list({lot_id: (lot_id, points) for lot_id, points in pairs}.values())
)


class TestGiveBack:
    def test_newest_lots_are_refilled_first(self):
        assert rules.give_back([(1, 10), (2, 20)], 0, 25) == [(2, 20), (1, 5)]

    def test_a_second_partial_return_continues_where_the_first_stopped(self):
        assert rules.give_back([(1, 10), (2, 20)], 15, 10) == [(2, 5), (1, 5)]

    def test_points_beyond_what_was_taken_are_not_placed(self):
        assert rules.give_back([(1, 10)], 0, 15) == [(1, 10)]
        assert rules.give_back([(1, 10)], 10, 5) == []

    @given(consumed=consumed_lists, data=st.data())
    def test_property_never_refills_more_than_was_taken(self, consumed, data):
        taken = sum(points for _, points in consumed)
        already = data.draw(st.integers(0, taken + 10))
        amount = data.draw(st.integers(0, taken + 10))
        plan = rules.give_back(consumed, already, amount)
        placed = sum(points for _, points in plan)
        assert placed == min(amount, max(taken - already, 0))
        limit = dict(consumed)
        assert all(0 < points <= limit[lot_id] for lot_id, points in plan)

    @given(consumed=consumed_lists, data=st.data())
    def test_property_returns_in_parts_refill_as_one_return_would(self, consumed, data):
        taken = sum(points for _, points in consumed)
        parts = data.draw(st.lists(st.integers(1, 40), max_size=5))
        per_lot: dict[int, int] = {}
        returned = 0
        for part in parts:
            for lot_id, points in rules.give_back(consumed, returned, part):
                per_lot[lot_id] = per_lot.get(lot_id, 0) + points
            returned += part
        whole = dict(rules.give_back(consumed, 0, sum(parts)))
        assert per_lot == whole
        assert all(per_lot.get(lot_id, 0) <= points for lot_id, points in consumed)
        assert sum(per_lot.values()) == min(sum(parts), taken)


class TestExpiryDates:
    def test_never(self):
        assert rules.lot_expiry("never", None, earned_at=T0, last_activity_at=None, timezone="UTC") == (
            rules.LotExpiry(None)
        )

    def test_days_after_earn(self):
        found = rules.lot_expiry("days_after_earn", 30, earned_at=T0, last_activity_at=None, timezone="UTC")
        assert found == rules.LotExpiry(T0 + timedelta(days=30))

    def test_days_after_activity_follows_the_latest_activity(self):
        active = T0 - timedelta(days=2)
        found = rules.lot_expiry(
            "days_after_activity", 90, earned_at=T0, last_activity_at=active, timezone="UTC"
        )
        assert found == rules.LotExpiry(active + timedelta(days=90), activity_days=90)

    @pytest.mark.parametrize("policy", ["days_after_earn", "days_after_activity"])
    def test_day_policies_need_days(self, policy):
        with pytest.raises(ValueError, match="positive number of days"):
            rules.lot_expiry(policy, None, earned_at=T0, last_activity_at=None, timezone="UTC")

    def test_unknown_policy(self):
        with pytest.raises(ValueError, match="unknown expiry policy"):
            rules.lot_expiry("sometimes", None, earned_at=T0, last_activity_at=None, timezone="UTC")

    def test_end_of_month_is_in_the_shops_timezone(self):
        # 2026-01-31 23:30 in New York is already February in UTC
        earned = datetime(2026, 2, 1, 4, 30, tzinfo=UTC)
        found = rules.lot_expiry(
            "end_of_month", None, earned_at=earned, last_activity_at=None, timezone="America/New_York"
        )
        assert found.expires_at == datetime(2026, 2, 1, 5, 0, tzinfo=UTC)  # midnight, EST
        in_utc = rules.lot_expiry(
            "end_of_month", None, earned_at=earned, last_activity_at=None, timezone="UTC"
        )
        assert in_utc.expires_at == datetime(2026, 3, 1, tzinfo=UTC)

    def test_end_of_year_and_december(self):
        earned = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
        assert rules.period_end(earned, "Europe/Paris", "month") == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
        assert rules.period_end(earned, "UTC", "year") == datetime(2027, 1, 1, tzinfo=UTC)
        assert rules.period_end(T0, "UTC", "year") == datetime(2027, 1, 1, tzinfo=UTC)

    @given(moment=moments, timezone=timezones, unit=st.sampled_from(["month", "year"]))
    def test_property_period_end_is_the_next_local_midnight_of_a_new_period(self, moment, timezone, unit):
        end = rules.period_end(moment, timezone, unit)
        zone = ZoneInfo(timezone)
        local_end, local_moment = end.astimezone(zone), moment.astimezone(zone)
        assert end > moment
        assert (local_end.day, local_end.hour, local_end.minute) == (1, 0, 0)
        if unit == "year":
            assert (local_end.year, local_end.month) == (local_moment.year + 1, 1)
        # the instant before the end is still in the moment's period
        before = (end - timedelta(microseconds=1)).astimezone(zone)
        assert before.year == local_moment.year
        if unit == "month":
            assert before.month == local_moment.month


class TestMovedExpiry:
    def test_a_lot_that_follows_activity_moves(self):
        lot = rules.Lot(1, 5, T0 + timedelta(days=3), activity_days=30)
        assert rules.moved_expiry(lot, T0) == T0 + timedelta(days=30)

    def test_other_lots_and_lots_whose_time_has_come_stay(self):
        fixed = rules.Lot(1, 5, T0 + timedelta(days=3))
        assert rules.moved_expiry(fixed, T0) == fixed.expires_at
        due = rules.Lot(2, 5, T0 - timedelta(seconds=1), activity_days=30)
        assert rules.moved_expiry(due, T0) == due.expires_at


class TestActivity:
    @pytest.mark.parametrize(
        ("kind", "delta", "expected"),
        [
            ("earn", 10, True),
            ("adjust", 10, True),
            ("redeem", -10, True),
            ("adjust", -10, False),
            ("reversal", -10, False),
            ("expire", -10, False),
            ("redeem_return", 10, False),
        ],
    )
    def test_earning_and_spending_are_activity(self, kind, delta, expected):
        assert rules.is_activity(kind, delta) is expected


# --- a customer's lots through random histories -------------------------------------


@dataclass
class Book:
    """A customer's lots as the service keeps them, driven by the pure rules only."""

    policy: str
    days: int | None
    now: datetime = T0
    last_activity: datetime | None = None
    lots: dict[int, list] = field(default_factory=dict)  # id -> [points, remaining, expires_at, days]
    balance: int = 0
    expired_total: int = 0
    expired_lots: set[int] = field(default_factory=set)
    redemptions: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    returned: dict[int, int] = field(default_factory=dict)

    def open(self) -> list[rules.Lot]:
        return [rules.Lot(i, lot[1], lot[2], lot[3]) for i, lot in sorted(self.lots.items()) if lot[1] > 0]

    def touch(self) -> None:
        self.last_activity = self.now
        for lot_id, lot in self.lots.items():
            if lot[1] > 0:
                lot[2] = rules.moved_expiry(rules.Lot(lot_id, lot[1], lot[2], lot[3]), self.now)

    def sweep(self) -> None:
        for lot in self.open():
            if rules.is_due(lot, self.now):
                assert lot.id not in self.expired_lots, "a lot expired twice"
                self.expired_lots.add(lot.id)
                self.expired_total += lot.remaining
                self.balance -= lot.remaining
                self.lots[lot.id][1] = 0

    def new_lot(self, points: int) -> int:
        expiry = rules.lot_expiry(
            self.policy, self.days, earned_at=self.now, last_activity_at=self.last_activity, timezone="UTC"
        )
        lot_id = len(self.lots) + 1
        self.lots[lot_id] = [points, points, expiry.expires_at, expiry.activity_days]
        return lot_id

    def earn(self, points: int) -> None:
        self.touch()
        self.new_lot(points)
        self.balance += points

    def spend(self, points: int) -> None:
        self.sweep()
        if points > self.balance:
            return
        taken = rules.take_from_lots(self.open(), points)
        for lot_id, part in taken:
            self.lots[lot_id][1] -= part
        self.balance -= points
        self.redemptions[len(self.redemptions)] = taken
        self.touch()

    def give_back(self, redemption: int, points: int) -> None:
        taken = self.redemptions.get(redemption)
        if taken is None:
            return
        points = min(points, sum(p for _, p in taken) - self.returned.get(redemption, 0))
        if points <= 0:
            return
        fresh = points
        for lot_id, part in rules.give_back(taken, self.returned.get(redemption, 0), points):
            lot = self.lots[lot_id]
            if lot[2] is not None and lot[2] <= self.now:
                continue
            assert lot[1] + part <= lot[0]
            lot[1] += part
            fresh -= part
        if fresh:
            self.new_lot(fresh)
        self.returned[redemption] = self.returned.get(redemption, 0) + points
        self.balance += points


operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 300)),
        st.tuples(st.just("spend"), st.integers(1, 400)),
        st.tuples(st.just("wait"), st.integers(0, 60 * 24 * 40)),  # minutes
        st.tuples(st.just("return"), st.integers(0, 5), st.integers(1, 300)),
        st.tuples(st.just("sweep")),
    ),
    max_size=40,
)
policies = st.sampled_from(
    [
        ("never", None),
        ("days_after_earn", 7),
        ("days_after_earn", 30),
        ("days_after_activity", 10),
        ("end_of_month", None),
        ("end_of_year", None),
    ]
)


@settings(max_examples=300, deadline=None)
@given(policy=policies, ops=operations)
def test_property_lots_always_hold_the_balance_and_expire_exactly_once(policy, ops):
    book = Book(*policy)
    earned = spent = 0
    for op in ops:
        if op[0] == "earn":
            book.earn(op[1])
            earned += op[1]
        elif op[0] == "spend":
            book.sweep()  # (spend sweeps too; done first here so expiry is not counted as spent)
            before = book.balance
            book.spend(op[1])
            spent += before - book.balance
        elif op[0] == "wait":
            book.now += timedelta(minutes=op[1])
        elif op[0] == "return":
            before = book.balance
            book.give_back(op[1], op[2])
            spent -= book.balance - before
        else:
            book.sweep()
        # the open lots hold exactly the balance, and no lot holds more than it earned
        assert sum(lot.remaining for lot in book.open()) == book.balance >= 0
        assert all(0 <= lot[1] <= lot[0] for lot in book.lots.values())
    book.now += timedelta(days=3660)
    book.sweep()
    # in the end everything earned was spent or expired (never: nothing expires)
    if policy[0] == "never":
        assert book.expired_total == 0
        assert book.balance == earned - spent
    else:
        assert book.balance == 0
        assert book.expired_total == earned - spent
