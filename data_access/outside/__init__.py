"""Clients of services outside Laget (SSB, FHI, SMTP). Imports only data_access.domain."""
