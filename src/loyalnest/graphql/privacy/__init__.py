"""GraphQL face of the privacy context: customers' consents (staff ``customer.consents``,
``customer.consentHistory``, ``recordCustomerConsents``; storefront ``me.consents``,
``updateMyConsents``)."""
