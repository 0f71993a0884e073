"""The typed per-request GraphQL context: principal, merchant scope and DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.loaders import RequestLoaders
from loyalnest.platform.tenancy import Customer, Principal, Staff
from loyalnest.settings import Settings

if TYPE_CHECKING:
    from loyalnest.http.auth import StorefrontVisitor


@dataclass
class Context:
    settings: Settings
    request: Any = None
    principal: Principal | None = None
    # Credential problem found while building the context; raised by fields that need one.
    auth_error: str | None = None
    connection_params: dict[str, Any] | None = None
    # an app-proxy request with nobody signed in: not a principal (``merchant_id`` and
    # every permission still refuse it); only claimReferral accepts it
    visitor: StorefrontVisitor | None = None
    _loaders: RequestLoaders | None = field(default=None, repr=False)

    @property
    def merchant_id(self) -> int:
        if self.principal is None:
            raise PublicError(self.auth_error or "authentication required", code="UNAUTHENTICATED")
        return self.principal.merchant_id

    @property
    def staff(self) -> Staff:
        assert isinstance(self.principal, Staff)
        return self.principal

    @property
    def customer(self) -> Customer:
        assert isinstance(self.principal, Customer)
        return self.principal

    @property
    def loaders(self) -> RequestLoaders:
        """Made per request (and per subscription connection), scoped to its merchant."""
        if self._loaders is None:
            self._loaders = RequestLoaders(self.merchant_id)
        return self._loaders
