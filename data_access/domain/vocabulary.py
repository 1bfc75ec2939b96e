"""Fixed vocabularies shared by the schema, the demo data and the UI (Norwegian labels)."""

from __future__ import annotations

# slug, label, closed?
STATUSES: list[tuple[str, str, bool]] = [
    ("ikke_startet", "Ikke startet", False),
    ("planlagt", "Planlagt", False),
    ("i_gang", "I gang", False),
    ("under_revidering", "Under revidering", False),
    ("avsluttet", "Avsluttet", True),
]
STATUS_LABELS = {slug: label for slug, label, _ in STATUSES}
# Status colours for the front page's pyramid (issue 20.3): grey not begun, blue planned/running, orange under
# revision, green done; the legend and the text under each tier name them, so colour is never alone (WCAG 1.4.1).
STATUS_COLORS = {"ikke_startet": "#b1b4b6", "planlagt": "#9ec5f0", "i_gang": "#1e6ec8",
                 "under_revidering": "#e8a33d", "avsluttet": "#2e7d32"}

# slug, default label, colour word (shown next to the colour, never instead of it), hex
LEVELS: list[tuple[str, str, str, str]] = [
    ("universell", "Universell", "grønn", "#2e7d32"),
    ("selektiv", "Selektiv", "gul", "#f2c94c"),
    ("indikativ", "Indikativ", "rød", "#c62828"),
]
LEVEL_COLORS = {slug: hex_ for slug, _, _, hex_ in LEVELS}
LEVEL_COLOR_WORDS = {slug: word for slug, _, word, _ in LEVELS}

ARENA_LEVELS: dict[str, str] = {
    "kommune": "Kommunenivå",
    "tjeneste": "Tjenestenivå",
    "individ": "Individnivå",
}

UNITS: dict[str, str] = {"percent": "prosent", "count": "antall", "per_1000": "per 1 000"}
BETTER: dict[str, str] = {"lower": "Lavere er bedre", "higher": "Høyere er bedre"}
GEOS: dict[str, str] = {"kommune": "Kommune", "fylke": "Fylke", "land": "Landet"}
EXAMPLE_LABEL = "Eksempeldata (ikke offisielle tall)"
