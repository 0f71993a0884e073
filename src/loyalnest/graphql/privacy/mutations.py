"""The privacy context's root mutations (``MUTATIONS``), each concern in its own module."""

from __future__ import annotations

from loyalnest.graphql.privacy.consent_mutations import ConsentsMutation

MUTATIONS = (ConsentsMutation,)
