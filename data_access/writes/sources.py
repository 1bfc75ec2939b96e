"""Fetching indicator figures from SSB and FHI into Laget: source definitions, preview, refresh, freshness.

This part holds the writes; its siblings in ``domain/`` hold the rest.

All writes of this feature live here. Values go through the CSV import's own path (``plan_import`` then
``indicator_writes.import_values``), so a fetch is all or nothing per indicator, idempotent, and logged as an
import. A failed fetch writes nothing but the failure itself (``last_error``), which Indikatorer lists.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from data_access.db.engine import reading
from data_access.db.liveness import require_live
from data_access.db.models import Indicator, IndicatorSource, IndicatorValue, Plan
from data_access.db.uow import UnitOfWork
from data_access.domain.errors import ConflictError, LagetError, NotFound, SessionEnded, ValidationError
from data_access.domain.frames import to_frame
from data_access.domain.periods import sort_key
from data_access.domain.permissions import Actor, Permission, can, require
from data_access.domain.sources import FETCHER, SOURCE_SCHEMA, Outcome
from data_access.domain.vocabulary import BETTER
from data_access.formats.indicator_import import IndicatorImportError, ParsedFile, ValueRow, plan_import
from data_access.outside.source_client import SourceClient
from data_access.outside.sources import (
    KINDS,
    SourceDefinition,
    SourceError,
    is_newer,
    parse_definition,
    parse_regions,
    to_parsed,
)
from data_access.writes.indicators import import_values


@dataclass(frozen=True)
class Fetched:
    """What one fetch gave, before anything is written: the import preview's own structures."""

    definition: SourceDefinition
    parsed: ParsedFile
    mapping: dict[str, str]
    planned: list[ValueRow]
    latest_source_period: str | None


def client_from_settings(settings: Any, engine: Engine | None = None) -> SourceClient:
    """With ``engine``, the request limit is the one in the database that every replica and job shares."""
    from data_access.outside.shared_limit import shared_limiters

    return SourceClient(settings.ssb_api_url, settings.fhi_api_url, timeout=settings.source_timeout,
                        indicator_deadline=settings.source_deadline, run_deadline=settings.source_run_deadline,
                        limiters=shared_limiters(engine) if engine is not None else {})


# reads -----------------------------------------------------------------------------------------------------
def plan_regions(engine: Engine, plan_id: int) -> dict[str, list[str]]:
    with reading(engine) as s:
        plan = s.get(Plan, plan_id)
        return parse_regions(plan.region_codes) if plan is not None else {}


def sources_frame(engine: Engine, plan_id: int, actor: Actor | None = None) -> pl.DataFrame:
    """One row per indicator of the plan that has a source, with fetch status and «nye tall».

    Why the last fetch failed (``last_error``) is for those who can fix the source (``EDIT_INDICATORS``);
    for everyone else it is None, so a leader's page cannot show it, whatever the page does."""
    errors_shown = can(actor, Permission.EDIT_INDICATORS)
    with reading(engine) as s:
        rows = s.execute(select(IndicatorSource, Indicator.name).join(Indicator)
                         .where(Indicator.plan_id == plan_id).order_by(Indicator.sort_order, Indicator.id)).all()
        held: dict[int, list[str]] = {}
        for ind_id, period in s.execute(
                select(IndicatorValue.indicator_id, IndicatorValue.period)
                .join(Indicator).where(Indicator.plan_id == plan_id, IndicatorValue.geo == "kommune",
                                       IndicatorValue.value.is_not(None), IndicatorValue.is_example.is_(False))):
            held.setdefault(ind_id, []).append(period)
        out = []
        for src, name in rows:
            latest = max(held.get(src.indicator_id, []), key=sort_key, default=None)
            try:
                label = parse_definition(src.kind, src.definition).label
            except ValidationError:
                label = f"{KINDS.get(src.kind, src.kind)} (ugyldig definisjon)"
            out.append((src.indicator_id, name, src.kind, str(src.definition.get("table", "")), label,
                        json.dumps(src.definition, ensure_ascii=False), src.last_fetched_at, src.last_ok_at,
                        src.last_error if errors_shown else None,
                        src.latest_source_period, latest, is_newer(src.latest_source_period, latest)))
    return to_frame(out, SOURCE_SCHEMA)


# writes: definitions and region codes ----------------------------------------------------------------------
def save_source(engine: Engine, actor: Actor, indicator_id: int, kind: str | None,
                definition: Mapping[str, Any] | None, *, better: str | None = None) -> bool:
    """Set, change or (kind None) remove an indicator's source; returns True when something changed.

    ``better`` (a catalogue entry's direction) sets the indicator's direction along with the source's unit, so a
    figure picked from the catalogue is judged the way its table means it."""
    defn = parse_definition(kind, definition or {}).to_json() if kind else None
    if better is not None and better not in BETTER:
        raise ValidationError(f"Ukjent retning «{better}».", field="better")
    with UnitOfWork(engine, actor, None, Permission.EDIT_INDICATORS) as uow:
        ind = uow.s.get(Indicator, indicator_id)
        if ind is None:
            raise NotFound("Fant ikke indikatoren.")
        uow.plan_id = ind.plan_id
        row = uow.s.get(IndicatorSource, indicator_id)
        old = f"{row.kind}: {row.definition}" if row else None
        new = f"{kind}: {defn}" if defn is not None else None
        if better is not None and better != (old_better := ind.better):
            if not uow.compare_and_set(Indicator, ind.id, ind.version, {"better": better}):
                raise ConflictError("Indikatoren ble endret av en annen samtidig. Prøv igjen.")
            uow.log("indicator", ind.id, "update", "better", old_better, better)
            if old == new:
                return True
        if old == new:
            return False
        if defn is None:
            uow.s.delete(row)
        elif row is None:
            uow.s.add(IndicatorSource(indicator_id=indicator_id, kind=kind, definition=defn))
        else:
            row.kind, row.definition, row.last_error, row.latest_source_period = kind, defn, None, None
        if defn is not None and defn.get("unit") and defn["unit"] != ind.unit:
            old_unit = ind.unit
            if not uow.compare_and_set(Indicator, ind.id, ind.version, {"unit": defn["unit"]}):
                raise ConflictError("Indikatoren ble endret av en annen samtidig. Prøv igjen.")
            uow.log("indicator", ind.id, "update", "unit", old_unit, defn["unit"])
        uow.log("indicator", indicator_id, "create" if old is None else ("delete" if new is None else "update"),
                "source_definition", old, new)
        return True


def set_region_codes(engine: Engine, actor: Actor, plan_id: int, codes: Mapping[str, Any]) -> None:
    """The plan's official region codes, current first (``{"kommune": ["3413", "0417"], ...}``)."""
    regions = parse_regions(codes)
    if "kommune" not in regions:
        raise ValidationError("Oppgi minst kommunenummeret.", field="kommune")
    with UnitOfWork(engine, actor, plan_id, Permission.MANAGE_PLANS) as uow:
        plan = uow.s.get(Plan, plan_id)
        if plan is None:
            raise NotFound("Fant ikke planen.")
        if (plan.region_codes or {}) != regions:
            uow.log("plan", plan.id, "update", "region_codes", str(plan.region_codes or ""), str(regions))
            plan.region_codes = regions


def _record(engine: Engine, indicator_id: int, now: datetime, error: str | None,
            latest_source_period: str | None = None) -> None:
    """Book-keeping of the last fetch (not user data, so not logged)."""
    with UnitOfWork(engine, FETCHER, None, None, now=now) as uow:
        row = uow.s.get(IndicatorSource, indicator_id)
        if row is None:
            return
        row.last_fetched_at = now
        row.last_error = error
        if error is None:
            row.last_ok_at = now
        if latest_source_period:
            row.latest_source_period = latest_source_period


# fetch -----------------------------------------------------------------------------------------------------
def fetch(client: SourceClient, defn: SourceDefinition, regions: Mapping[str, list[str]], source_text: str) \
        -> Fetched:
    """Fetch, check and plan one indicator's values; writes nothing. Raises ``SourceError``."""
    regions = defn.regions or dict(regions)
    if "kommune" not in regions:
        raise SourceError("Planen har ikke kommunenummer. En administrator må legge det inn før tall kan hentes.")
    latest = client.latest_period(defn)
    parsed, mapping = to_parsed(defn, client.data(defn, regions), regions)
    if parsed.errors:
        raise SourceError(f"{defn.label}: {parsed.errors[0].message}. Ingenting er lagret.")
    try:
        planned = plan_import(parsed, mapping, source_text)
    except IndicatorImportError as exc:
        raise SourceError(f"{defn.label}: {exc} Ingenting er lagret.") from None
    return Fetched(defn, parsed, mapping, planned, latest)


def preview(engine: Engine, client: SourceClient, indicator_id: int, kind: str,
            definition: Mapping[str, Any]) -> Fetched:
    """«Test»: fetch with a definition that may not be saved yet; nothing is written."""
    defn = parse_definition(kind, definition)
    with reading(engine) as s:
        ind = s.get(Indicator, indicator_id)
        if ind is None:
            raise NotFound("Fant ikke indikatoren.")
        plan_id = ind.plan_id
    regions = plan_regions(engine, plan_id)
    with client.deadline(client.indicator_deadline):
        return fetch(client, defn, regions, defn.label)


def refresh(engine: Engine, actor: Actor, client: SourceClient, *, plan_key: str | None = None,
            indicator_id: int | None = None, now: datetime | None = None) -> list[Outcome]:
    """Fetch every indicator with a source (optionally one plan or one indicator); each all or nothing."""
    require(actor, Permission.EDIT_INDICATORS)
    require_live(engine, actor)  # a click from a page whose session has ended fetches nothing
    now = now or datetime.now()
    with reading(engine) as s:
        q = select(IndicatorSource, Indicator.name, Indicator.plan_id).join(Indicator).join(Plan)
        if plan_key:
            if s.scalar(select(Plan.id).where(Plan.key == plan_key)) is None:
                raise NotFound(f"Fant ingen plan med nøkkelen «{plan_key}».")
            q = q.where(Plan.key == plan_key)
        if indicator_id is not None:
            q = q.where(Indicator.id == indicator_id)
        todo = [(src.indicator_id, src.kind, dict(src.definition), name, plan_id)
                for src, name, plan_id in s.execute(q.order_by(Plan.sort_order, Indicator.sort_order)).all()]
    outcomes = []
    run_end = None if client.run_deadline is None else time.monotonic() + client.run_deadline
    for ind_id, kind, raw, name, plan_id in todo:
        try:
            with _deadline(client, run_end):
                defn = parse_definition(kind, raw)
                fetched = fetch(client, defn, plan_regions(engine, plan_id), defn.label)
            result = import_values(engine, actor, ind_id, fetched.planned)
        except SessionEnded:
            raise  # not the indicator's failure: stop, and record nothing on the sources
        except LagetError as exc:  # one indicator's failure never stops the others
            message = str(exc)
        except Exception:  # noqa: BLE001 - a bug must not cost the other indicators their figures
            logging.getLogger("laget").exception("Unexpected error fetching indicator %s", ind_id)
            message = ("Uventet feil under hentingen; meld fra til den som drifter "
                       "Laget. Ingenting er lagret.")
        else:
            _record(engine, ind_id, now, None, fetched.latest_source_period)
            outcomes.append(Outcome(ind_id, name, True, result.summary(), result))
            continue
        _record(engine, ind_id, now, message)
        outcomes.append(Outcome(ind_id, name, False, message))
    return outcomes


@contextmanager
def _deadline(client: SourceClient, run_end: float | None) -> Iterator[None]:
    """The indicator's deadline: its own (``LAGET_SOURCE_DEADLINE``) or what is left of the run's, whichever
    ends first; once the run's is spent, the remaining indicators fail at once, each recorded."""
    limit, setting, shown = client.indicator_deadline, "LAGET_SOURCE_DEADLINE", client.indicator_deadline
    if run_end is not None:
        left = run_end - time.monotonic()
        if left <= 0:
            raise SourceError(f"Ikke hentet: hele hentingen nådde tidsgrensen på {client.run_deadline:g} sekunder "
                              "(LAGET_SOURCE_RUN_DEADLINE). Ingenting er lagret.")
        if limit is None or left < limit:
            limit, setting, shown = left, "LAGET_SOURCE_RUN_DEADLINE", client.run_deadline
    with client.deadline(limit, setting, shown):
        yield
