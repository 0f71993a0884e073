"""GraphiQL for staff on ``GET /graphql``, served entirely by the app: its page, and the
pinned GraphiQL/React bundles vendored under ``static/``, so the IDE loads with no
network access beyond the app itself."""
