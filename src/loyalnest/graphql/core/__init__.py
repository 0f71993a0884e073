"""The GraphQL machinery every context's GraphQL face uses: request context, self-registering
DataLoaders, the mutation helper, type composition, ids, pagination, permissions, guards,
the execution fast path and the ASGI views."""
