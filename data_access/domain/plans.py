"""Reference data: plans, their levels, the status vocabulary, services and protective factors.

This part holds the rules (pure); the module docstring of ``data_access/writes/plans.py`` tells the rest.
"""

from __future__ import annotations

import re
import unicodedata

LEVEL_FIELD_LABELS = {"universell": "Navn på grønt nivå", "selektiv": "Navn på gult nivå",
                      "indikativ": "Navn på rødt nivå"}  # as the form in Administrasjon calls them


_NORWEGIAN = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def plan_key(kommune: str, start_year: int | None = None, end_year: int | None = None) -> str:
    """A plan's key from kommune and years: æ→ae, ø→o, å→a (not dropped: «prøvekommune», not «pr-vekommune»),
    other accents stripped, anything else a hyphen."""
    text = f"{kommune} {start_year or ''} {end_year or ''}".translate(_NORWEGIAN).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")


def kommune_title(kommune: str) -> str:
    """«Stange kommune», but «Prøvekommune» and «Bamble kommune» as they are: never «… kommune kommune»."""
    name = kommune.strip()
    return name if name.casefold().endswith("kommune") else f"{name} kommune"
