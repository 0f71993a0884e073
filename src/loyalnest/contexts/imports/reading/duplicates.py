"""The same customer twice in one file (the same email, or the same Shopify id),
even with different balances: the first row stands, each later one becomes a RowError
naming the first's line, so the merchant decides which row is right.

Streaming, one pass: the first line of each email is kept under a 64-bit key, the
string's own ``hash()`` (SipHash with a key random per process, computed in C and cached
on the string) rather than the email itself: about 100 bytes per customer in a dict,
~100 MB for a million, where the strings would add their own ~110 bytes each. Two
different emails share a key with probability ~n²/2⁶⁵ (3·10⁻⁸ for a million rows);
keys never leave the process.

Memory is the one thing in the reading layer that grows with the file: measured 107 MB
for a million customers (the stream itself stays flat). That fits the 300 MB budget to
about two million distinct customers; a 2 GB file can hold thirty million, and no exact
in-memory check with line numbers fits that (30M times 12 bytes is already 360 MB). So
an import's validation opens the reader with ``check_duplicates=False`` and asks the
rows it staged from earlier chunks instead (``validation._Staging._first_of_each``);
this check serves readers of files known to be small (the reading bench).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from loyalnest.contexts.imports.reading.records import CustomerRecord, RowError


def flag_duplicates(
    items: Iterable[CustomerRecord | RowError],
    *,
    email_column: str | None = None,
    id_column: str | None = None,
) -> Iterator[CustomerRecord | RowError]:
    """The items, with each customer already seen earlier in the file replaced by a
    RowError ("duplicate email in the file, first on line N"). RowErrors pass through."""
    first_by_email: dict[int, int] = {}
    first_by_id: dict[int, int] = {}
    for item in items:
        if type(item) is not CustomerRecord:
            yield item
            continue
        email = item.email
        if email is not None:
            key = hash(email)
            first = first_by_email.setdefault(key, item.line)
            if first != item.line:
                yield RowError(
                    item.line, email_column, f"duplicate email in the file, first on line {first}", email
                )
                continue
        customer_id = item.shopify_customer_id
        if customer_id is not None:
            first = first_by_id.setdefault(customer_id, item.line)
            if first != item.line:
                yield RowError(
                    item.line,
                    id_column,
                    f"duplicate Shopify customer id in the file, first on line {first}",
                    str(customer_id),
                )
                continue
        yield item
