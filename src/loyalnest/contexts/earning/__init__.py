"""Earning rules: the ways a shop's customers earn points besides purchases (signup,
newsletter, birthday, reviews, custom actions)."""
