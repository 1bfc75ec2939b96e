"""Laget's Streamlit layer: entry point, navigation, auth and reusable UI pieces."""
