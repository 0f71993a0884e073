"""GraphQL face of the imports context."""
