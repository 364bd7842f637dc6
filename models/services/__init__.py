"""Write paths and queries that need the database: each runs in one transaction and raises `DomainError`."""
