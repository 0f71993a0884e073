"""The GraphQL transport: one Strawberry schema assembled from each context's roots."""
