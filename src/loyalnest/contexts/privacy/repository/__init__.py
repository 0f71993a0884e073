"""All SQL of the privacy context, by what it holds: the request log (``requests``),
a shop's rows everywhere (``shop_rows``), a customer's rows everywhere
(``customer_rows``), the data request archives (``exports``) and the shops' retention
limits (``settings``)."""
