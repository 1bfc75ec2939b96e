"""Rules of the plan that need no database: fields, validation, permissions, frequencies, periods,
vocabularies, formatting and the one error family. Imports nothing else from data_access."""
