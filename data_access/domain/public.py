"""The release model of the public page (``/offentlig``): what a plan may show to citizens, and what it never may.

A plan shows nothing until an administrator switches its public view on (``PlanRelease.is_public``). Then the
core is always shown: the plan's name, kommune and period, the pyramid with each tiltak's name, description,
level, status, responsible services and protective factor (plan content, as the plan document has it). Every
other part is released one by one (``PARTS``), off by default.

What is internal by nature has no switch at all (``NEVER_RELEASED``): notes (``status_note`` is the staff's working
note, meeting notes, minutes), names of people (contacts, users, who changed what, follow-up points' responsible
person), and an arena's leader and participants unless the administrator releases them as roles
(``arena_roles``: the field is free text, so only the administrator can tell that it holds roles, not names).

Comments from the public (the ungdomsråd) are text only, never an author or an address; they pass the same
personal-data guard as every field and wait for moderation. Approved comments are shown on the public page
under their tiltak when comments are open (``comments``); pending and rejected ones are seen by staff only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from data_access.domain.errors import ValidationError
from data_access.domain.validation import check_free_text

# part -> the label the administrator reads; the public page shows a part only when it is released
PARTS: dict[str, str] = {
    "indicators": "Indikatorer med utvikling, kilde og dato",
    "arenas": "Møtearenaer etter nivå (navn, formål, hyppighet)",
    "arena_roles": "Leder og deltakere på møtearenaene (bare når feltene inneholder roller og tjenester, ikke navn)",
    "changes": "Hva som er endret i år (status, nivå, ansvar)",
    "comments": "Kommentarer fra ungdomsrådet (modereres før de vises)",
}
PART_COLUMNS: dict[str, str] = {"indicators": "show_indicators", "arenas": "show_arenas",
                                "arena_roles": "show_arena_roles", "changes": "show_changes",
                                "comments": "allow_comments"}
# table.column -> why it is never on the public page (tests plant a sentinel in each and look for it)
NEVER_RELEASED: dict[str, str] = {
    "tiltak.status_note": "statusnotatet er gruppas arbeidsnotat",
    "tiltak.next_step": "neste steg er gruppas arbeidsnotat",
    "tiltak.updated_by": "navn på personer",
    "meetings.note": "møtenotater",
    "group_meetings.participants": "navn på personer",
    "group_meetings.minutes_md": "referater",
    "action_items.text": "oppfølgingspunkter",
    "action_items.responsible_person": "navn på personer",
    "contacts.name": "navn på personer",
    "contacts.email": "kontaktopplysninger for personer",
    "users.name": "navn på personer",
    "users.username": "navn på personer",
    "change_log.username": "navn på personer",
    "indicator_sources.last_error": "intern driftsinformasjon",
    "public_comments.text (venter/avvist)": "ikke godkjent av moderator",
}
# what the administrator reads for each never-released field (the keys above are for code and tests)
NEVER_RELEASED_WORDS: dict[str, str] = {
    "tiltak.status_note": "Statusnotat", "tiltak.next_step": "Neste steg",
    "tiltak.updated_by": "Hvem som sist endret et tiltak", "meetings.note": "Notater på møtene i kalenderen",
    "group_meetings.participants": "Deltakere på gruppas møter", "group_meetings.minutes_md": "Møtereferater",
    "action_items.text": "Oppfølgingspunkter", "action_items.responsible_person": "Ansvarlig for oppfølgingspunkter",
    "contacts.name": "Kontaktpersoner", "contacts.email": "Kontaktpersonenes e-postadresser",
    "users.name": "Brukernes navn", "users.username": "Brukernavn", "change_log.username": "Hvem som endret hva",
    "indicator_sources.last_error": "Feilmeldinger fra hentingen av tall",
    "public_comments.text (venter/avvist)": "Kommentarer som venter eller er avvist",
}
# change-log fields of a tiltak that «hva som er endret i år» shows, with the words the public reads
CHANGE_FIELDS: dict[str, str] = {"status": "Status", "level": "Nivå", "services": "Ansvar", "name": "Navn",
                                 "description": "Beskrivelse"}
COMMENT_STATES: dict[str, str] = {"venter": "Venter på moderering", "godkjent": "Godkjent", "avvist": "Avvist"}
COMMENT_MAX = 1000
COMMENT_LABEL = "Kommentar"

PUBLIC_TILTAK_SCHEMA = {
    "id": pl.Int64, "level": pl.String, "level_label": pl.String, "level_order": pl.Int64, "name": pl.String,
    "description": pl.String, "status": pl.String, "status_label": pl.String, "status_order": pl.Int64,
    "protective_factor": pl.String,
}
PUBLIC_ARENA_SCHEMA = {
    "id": pl.Int64, "name": pl.String, "level": pl.String, "purpose": pl.String, "frequency_text": pl.String,
    "is_new": pl.Boolean, "start_date": pl.Date, "end_date": pl.Date, "leader": pl.String,
    "participants": pl.List(pl.String),
}
PUBLIC_INDICATOR_SCHEMA = {
    "id": pl.Int64, "key": pl.String, "name": pl.String, "description": pl.String, "unit": pl.String,
    "better": pl.String, "source": pl.String, "target_value": pl.Float64, "target_year": pl.Int64,
    "target_is_example": pl.Boolean, "level": pl.String, "as_of": pl.Datetime,
}
PUBLIC_VALUE_SCHEMA = {
    "indicator_id": pl.Int64, "period": pl.String, "geo": pl.String, "geo_name": pl.String, "value": pl.Float64,
    "source": pl.String, "is_example": pl.Boolean, "marker": pl.String,
}
PUBLIC_CHANGE_SCHEMA = {
    "tiltak_id": pl.Int64, "at": pl.Datetime, "action": pl.String, "field": pl.String, "old_value": pl.String,
    "new_value": pl.String,
}
PUBLIC_COMMENT_SCHEMA = {"id": pl.Int64, "tiltak_id": pl.Int64, "text": pl.String, "created_at": pl.Datetime}


@dataclass(frozen=True)
class ReleaseSettings:
    """A plan's switches as the administrator sets them; ``version`` for compare-and-set (0: never set)."""

    plan_id: int
    is_public: bool = False
    parts: frozenset[str] = frozenset()
    version: int = 0
    updated_at: datetime | None = None
    updated_by: str | None = None

    def shows(self, part: str) -> bool:
        return self.is_public and part in self.parts


@dataclass(frozen=True)
class ReleasedPlan:
    """Everything the public page of one plan may show, and nothing else: plain values and polars frames.

    ``tiltak`` has a ``services`` list column. A part that is not released is ``None`` (not an empty frame), so
    a caller cannot show it by mistake. ``is_demo`` plans and ``is_example`` values must be labelled as example
    data wherever they are shown."""

    key: str
    name: str
    kommune: str
    start_year: int | None
    end_year: int | None
    is_demo: bool
    parts: frozenset[str]
    levels: pl.DataFrame  # slug, label, color, sort_order
    tiltak: pl.DataFrame  # PUBLIC_TILTAK_SCHEMA + services
    updated_at: datetime | None = None  # the plan's latest logged change
    arenas: pl.DataFrame | None = None  # PUBLIC_ARENA_SCHEMA; leader "" and participants [] unless arena_roles
    indicators: pl.DataFrame | None = None  # PUBLIC_INDICATOR_SCHEMA
    indicator_values: pl.DataFrame | None = None  # PUBLIC_VALUE_SCHEMA + period_order
    changes: pl.DataFrame | None = None  # PUBLIC_CHANGE_SCHEMA, this calendar year, newest first
    comments: pl.DataFrame | None = None  # PUBLIC_COMMENT_SCHEMA, approved only

    @property
    def period(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")


def clean_comment(text: str | None) -> str:
    """The comment as stored, or ``ValidationError`` in Norwegian: not empty, not too long, no identity number."""
    value = (text or "").strip()
    if not value:
        raise ValidationError("Skriv en kommentar før du sender.", field="text")
    check_free_text(value, COMMENT_LABEL, max_length=COMMENT_MAX)
    return value
