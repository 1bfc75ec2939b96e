"""Reference data: plans, their levels, the status vocabulary, services and protective factors.

This part holds the rules (pure); the module docstring of ``data_access/writes/plans.py`` tells the rest.
"""

from __future__ import annotations

LEVEL_FIELD_LABELS = {"universell": "Navn på grønt nivå", "selektiv": "Navn på gult nivå",
                      "indikativ": "Navn på rødt nivå"}  # as the form in Administrasjon calls them
