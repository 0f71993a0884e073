"""The privacy context's GraphQL face: staff's request log, retry and retention limits;
the storefront customer's own requests; customers' consents (staff ``customer.consents``,
``customer.consentHistory``, ``recordCustomerConsents``; storefront ``me.consents``,
``updateMyConsents``)."""
