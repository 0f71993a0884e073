"""The analytics context's repository, one module per concern: ``rfm`` (scores, segments,
custom segments), ``program`` (rollups, charts), ``nudges``, ``products``
(product RFM, segment exports)."""
