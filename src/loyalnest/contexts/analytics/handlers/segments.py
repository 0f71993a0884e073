"""Segments react to nothing in the order hot path, on purpose: built-in segments are
the RFM rows the RFM handlers write in the same pass, and custom segments' members are
materialised set-based after every full recompute (daily and on demand) and after each
change of a segment's rule. A per-batch re-evaluation here would add statements to every
webhook batch of every shop with custom segments (see the hot path budget)."""
