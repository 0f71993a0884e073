"""GraphQL face of the analytics context, one subpackage per concern; the modules here
only gather what each declares."""
