"""Queries: each takes an engine or a reading session and returns frames or models; no writes."""
