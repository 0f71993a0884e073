"""Earning: every way a shop's customers earn points (purchases, signup, newsletter,
birthday, reviews, custom actions) and the one pipeline that turns a trigger into
ledger postings."""
