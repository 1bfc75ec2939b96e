"""Laget's data layer: schema, migrations, queries and every write, with the rules enforced here."""
