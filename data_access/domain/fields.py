"""One field spec per entity: the Norwegian label, the one max length and the parser of every writable field.

Both the writes (``Spec.clean``) and the forms (``Spec.max_chars``, ``Spec.label``) read these, so a limit or a
label is written once. A spec turns raw UI values into stored values and collects *every* error instead of
stopping at the first, so the user can fix all fields in one go; every free-text value passes the
personal-data guard (``validation.check_free_text``).

Choices that depend on the plan (statuses, levels, services, protective factors, indicator links) are parsed by
the entity's write module, which passes a ``parsers`` mapping to ``clean``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from data_access.domain.errors import FieldError, ValidationError
from data_access.domain.validation import check_free_text, check_list_text, parse_norwegian_date

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """``kind``: text | list (of short texts) | date | bool | number | year | choice (parsed by the caller)."""

    label: str
    kind: str = "text"
    max_length: int | None = None
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    entity: str
    fields: Mapping[str, Field]

    def label(self, name: str) -> str:
        return self.fields[name].label if name in self.fields else name

    def max_chars(self, name: str) -> int | None:
        """For ``st.text_input(max_chars=...)``: the same limit the data layer enforces."""
        return self.fields[name].max_length

    def clean(self, raw: Mapping[str, Any], *, parsers: Mapping[str, Parser] | None = None, row: str = "",
              row_id: int | None = None) -> tuple[dict[str, Any], list[FieldError]]:
        """Stored values for every field in ``raw`` and the list of errors (empty when all is well)."""
        out: dict[str, Any] = {}
        errors: list[FieldError] = []
        for name, value in raw.items():
            spec = self.fields.get(name)
            try:
                if spec is None:
                    raise ValidationError(f"Feltet «{name}» kan ikke endres her.", field=name)
                if parsers and name in parsers:
                    out[name] = parsers[name](value)
                else:
                    out[name] = _parse(spec, value)
            except ValidationError as exc:
                label = spec.label if spec else name
                text = str(exc)
                message = text if text.startswith("«") or label.lower() in text.lower() else f"{label}: {text}"
                errors.append(FieldError(name, message, row, row_id))
        return out, errors

    def clean_or_raise(self, raw: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
        out, errors = self.clean(raw, **kwargs)
        if errors:
            raise ValidationError.of(errors)
        return out


def _parse(spec: Field, value: Any) -> Any:
    kind = spec.kind
    if kind == "text":
        text = "" if value is None else str(value).strip()
        if spec.required and not text:
            raise ValidationError(f"«{spec.label}» må fylles ut.")
        check_free_text(text, spec.label, max_length=spec.max_length or 10_000)
        return text
    if kind == "list":
        items = [str(v).strip() for v in _iterable(value) if str(v).strip()]
        for item in items:
            check_free_text(item, spec.label, max_length=spec.max_length or 200)
        check_list_text(items, spec.label)  # a number split over two items
        if spec.required and not items:
            raise ValidationError(f"«{spec.label}» må fylles ut.")
        return items
    if kind == "date":
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                raise ValidationError(f"«{spec.label}» må fylles ut.")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return parse_norwegian_date(str(value), spec.label)
    if kind == "bool":
        return bool(value)
    if kind == "number":
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", "")) \
                if isinstance(value, str) else float(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"«{spec.label}» må være et tall.") from exc
        if math.isnan(number) or math.isinf(number) or abs(number) > 1e12:
            raise ValidationError(f"«{spec.label}» er ikke et gyldig tall.")
        return number
    if kind == "year":
        if value is None or value == "":
            return None
        try:
            year = int(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"«{spec.label}» må være et årstall, f.eks. 2026.") from exc
        if not 2000 <= year <= 2100:
            raise ValidationError(f"«{spec.label}» må være et årstall, f.eks. 2026.")
        return year
    if kind == "choice":
        key = "" if value is None else str(value).strip()
        if key not in spec.choices:
            raise ValidationError(f"Ukjent {spec.label.lower()} «{key}». Velg en av: {', '.join(spec.choices)}.")
        return key
    raise AssertionError(f"unknown field kind {kind}")


def _iterable(value: Any) -> Iterable[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split(",")
    return value


# ---- the specs -------------------------------------------------------------------------------------------

TILTAK = Spec("tiltak", {
    "name": Field("Navn", max_length=200, required=True),
    "description": Field("Beskrivelse", max_length=4000),
    "level": Field("Nivå", "choice"),
    "status": Field("Status", "choice"),
    "status_note": Field("Statusnotat", max_length=1000),
    "services": Field("Ansvar", "list", max_length=150),
    "next_step": Field("Neste steg", max_length=1000),
    "next_evaluation": Field("Neste evaluering", "date"),
    "protective_factor": Field("Beskyttelsesfaktor", "choice"),
})

ARENA = Spec("arena", {
    "name": Field("Navn", max_length=200, required=True),
    "level": Field("Nivå", "choice", choices=("kommune", "tjeneste", "individ")),
    "purpose": Field("Agenda/målsetting", max_length=2000),
    "leader": Field("Leder", max_length=200),
    "participants": Field("Deltakere", "list", max_length=200),
    "frequency_text": Field("Hyppighet", max_length=200),
    "is_new": Field("Ny arena", "bool"),
    "start_date": Field("Startdato", "date"),
    "end_date": Field("Sluttdato", "date"),
    "pref_weekday": Field("Foretrukket ukedag", "number"),
    "pref_week_of_month": Field("Uke i måneden", "number"),
    "pref_time": Field("Klokkeslett", max_length=5),
})

MEETING = Spec("meeting", {
    "date": Field("Dato", "date", required=True),
    "state": Field("Status", "choice", choices=("planlagt", "avholdt", "avlyst")),
    "note": Field("Notat", max_length=500),
})

GROUP_MEETING = Spec("group_meeting", {
    "meeting_date": Field("Møtedato", "date", required=True),
    "participants": Field("Deltakere", max_length=1000),
    "chair": Field("Møteleder", max_length=200),
    "summary": Field("Oppsummering", max_length=4000),
})

INDICATOR = Spec("indicator", {
    "name": Field("Navn", max_length=200, required=True),
    "description": Field("Beskrivelse", max_length=2000),
    "unit": Field("Enhet", "choice", choices=("percent", "count", "per_1000")),
    "better": Field("Retning", "choice", choices=("lower", "higher")),
    "source": Field("Kilde", max_length=300),
    "target_value": Field("Mål", "number"),
    "target_year": Field("Målår", "year"),
    "target_is_example": Field("Målet er eksempeldata", "bool"),
    "level": Field("Nivå", "choice"),
    "tiltak": Field("Tiltak", "choice"),
})

INDICATOR_VALUE = Spec("indicator_value", {
    "period": Field("Periode", "choice"),
    "geo": Field("Geografi", "choice", choices=("kommune", "fylke", "land")),
    "geo_name": Field("Sted", max_length=100),
    "value": Field("Verdi", "number"),
    "source": Field("Kilde", max_length=300),
    "is_example": Field("Eksempeldata", "bool"),
    "marker": Field("Manglende-verdi-merke", max_length=5),
    "region_code": Field("Regionkode", max_length=10),
})

USER = Spec("user", {
    "username": Field("Brukernavn", "choice"),
    "name": Field("Navn", max_length=150, required=True),
    "email": Field("E-post", max_length=200),
    "role": Field("Rolle", "choice", choices=("leser", "redaktor", "planlegger", "admin")),
    "active": Field("Aktiv", "bool"),
})

PLAN = Spec("plan", {
    "name": Field("Navn på planen", max_length=300, required=True),
    "kommune": Field("Kommune", max_length=100, required=True),
    "start_year": Field("Fra år", "year"),
    "end_year": Field("Til år", "year"),
    "source": Field("Kilde", max_length=2000),
    "level_label": Field("Navn på nivået", max_length=60),
    "protective_factor": Field("Beskyttelsesfaktor", max_length=200),
})

FACTOR = Spec("factor", {
    "name": Field("Faktor", max_length=200, required=True),
    "kind": Field("Type", "choice", choices=("beskyttelse", "risiko")),
})

ACTION = Spec("action", {
    "text": Field("Oppfølgingspunkt", max_length=1000, required=True),
    "responsible_person": Field("Ansvarlig person", max_length=150),
    "deadline": Field("Frist", "date", required=True),
})

CONTACT = Spec("contact", {
    "name": Field("Kontaktperson", max_length=150),
    "email": Field("E-post", max_length=200),
})
