"""The database itself: schema, engine, migrations, the unit of work and its change log, bootstrap,
demo data and backup. Imports only data_access.domain."""
