"""Settings for Laget, read from the environment with documented defaults."""
