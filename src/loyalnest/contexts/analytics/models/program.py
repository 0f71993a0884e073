"""Tables of the program concern: daily rollups of the program's results, per shop-local
day, maintained by the ``analytics.refresh_program_rollups`` periodic pass (never by a
scan of the ledger per request).

- ``analytics_daily_points``: points moved per day and bucket (``issued:<source>``,
  ``redeemed``, ``expired``, ``returned``, ``reversed``, ``adjusted_out``; see
  ``rules.program.bucket_of``).
- ``analytics_daily_program``: one dense row per day from the shop's first ledger day:
  members, active members, points outstanding, orders (members vs not, repeat),
  revenue of orders that used LoyalNest codes.
- ``analytics_program_state``: where the pass stands per shop (the ledger id it scans
  from, the first day still live, what it saw last)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, Numeric, String, func
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


def _count() -> int:
    return Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))  # type: ignore[no-any-return]


def _points() -> int:
    return Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))  # type: ignore[no-any-return]


def _money() -> Decimal:
    return Field(  # type: ignore[no-any-return]
        default=Decimal(0), sa_column=Column(Numeric(14, 2), nullable=False, server_default="0")
    )


class AnalyticsDailyPoints(SQLModel, table=True):
    __tablename__ = "analytics_daily_points"

    merchant_id: int = Field(sa_column=merchant_key_column())
    day: date = Field(sa_column=Column(Date, primary_key=True))
    bucket: str = Field(sa_column=Column(String(48), primary_key=True))
    # absolute points (redeemed, expired ... are stored positive)
    points: int = _points()
    entries: int = _count()


class AnalyticsDailyProgram(SQLModel, table=True):
    __tablename__ = "analytics_daily_program"

    merchant_id: int = Field(sa_column=merchant_key_column())
    day: date = Field(sa_column=Column(Date, primary_key=True))
    # customers whose first ledger entry fell on this day, and all members by its end
    new_members: int = _count()
    members: int = _count()
    # members with their own activity (an earning or a spend) that day / in the 30 days
    # ending that day
    active_members: int = _count()
    active_members_30d: int = _count()
    net_points: int = _points()
    # points held by customers at the end of the day (running sum of the ledger)
    outstanding_points: int = _points()
    # the lowest ledger id of the day (null: no entry): bounds later scans of the window
    first_ledger_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # orders placed that day (not cancelled), by customers who were members or not
    # (guests are non-members), and those that were a customer's second or later order
    member_orders: int = _count()
    member_repeat_orders: int = _count()
    nonmember_orders: int = _count()
    nonmember_repeat_orders: int = _count()
    revenue: Decimal = _money()
    # orders that used a LoyalNest code and their net revenue
    code_orders: int = _count()
    code_revenue: Decimal = _money()
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class AnalyticsProgramState(SQLModel, table=True):
    __tablename__ = "analytics_program_state"

    merchant_id: int = Field(sa_column=merchant_key_column())
    # days before this one are frozen; the pass re-aggregates this day and after
    live_from: date = Field(sa_column=Column(Date, nullable=False))
    # every entry of a live day has id >= this (the pass scans the ledger from here)
    scan_from_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # the highest ledger id seen and the shop-local day of the last pass (a pass is due
    # when either moved, or after ``rules.program.REFRESH_AT_LEAST_EVERY``)
    head_id: int = _points()
    last_day: date = Field(sa_column=Column(Date, nullable=False))
    refreshed_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
