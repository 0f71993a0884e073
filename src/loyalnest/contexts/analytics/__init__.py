"""Analytics: every customer's RFM score and segment, kept as orders arrive; the
program's results from daily rollups; product-level RFM; nudges acting on segments
with A/B-tested variants; segment exports."""
