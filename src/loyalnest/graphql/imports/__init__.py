"""The imports context's GraphQL face (staff, admin:full): imports of customers from
other loyalty apps, their dry runs, starts, reverts and progress."""
