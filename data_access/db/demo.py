"""Idempotent loader for the demo plans (Stange 2023–2026 and Bamble) and the demo users.

The JSON files in ``data_access/demo`` hold the facts taken from the plans (names, levels, services,
statuses, frequencies, quoted figures); example series are flagged ``example``, targets the plan does not
state ``target_is_example``, and every evaluation date is example data (the plans give none); all are
labelled «Eksempeldata» on screen.
Loading twice changes nothing: a plan whose key exists is left alone.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.db.engine import reading
from data_access.db.models import (
    AppMeta,
    Arena,
    Indicator,
    IndicatorSource,
    IndicatorValue,
    Level,
    Meeting,
    Plan,
    ProtectiveFactor,
    SchoolBreak,
    Service,
    ServiceArea,
    Status,
    Tiltak,
    User,
)
from data_access.db.uow import UnitOfWork
from data_access.domain.arenas import arena_frequency
from data_access.domain.errors import ValidationError
from data_access.domain.periods import parse_period
from data_access.domain.permissions import Actor
from data_access.domain.planner import example_breaks, plan_arena, plan_year
from data_access.domain.users import hash_password
from data_access.domain.vocabulary import LEVELS, STATUSES

DEMO_DIR = Path(__file__).parent / "demo"
DEMO_FILES = ("stange.json", "bamble.json")
DEMO_PASSWORD = "laget-demo"
DEMO_USERS = [
    ("admin", "Administrator (demo)", "admin"),
    ("redaktor", "Redaktør i implementeringsgruppa (demo)", "redaktor"),
    ("slt", "SLT-koordinator (demo)", "planlegger"),
    ("leder", "Kommunalsjef (demo)", "leser"),
]


DEMO_LOADER = Actor("demo", "admin", "Demodata (system)")


def ensure_vocabulary(s: Session) -> None:
    """Statuses are shared by all plans; insert the ones that are missing."""
    have = set(s.scalars(select(Status.slug)))
    for order, (slug, label, closed) in enumerate(STATUSES):
        if slug not in have:
            s.add(Status(slug=slug, label=label, sort_order=order, is_closed=closed))
    s.flush()


def is_demo_database(engine: Engine) -> bool:
    with reading(engine) as s:
        return s.get(AppMeta, "demo") is not None


def is_empty(engine: Engine) -> bool:
    with reading(engine) as s:
        return s.scalar(select(Plan.id).limit(1)) is None and s.scalar(select(User.id).limit(1)) is None


def load_demo(engine: Engine, today: date | None = None, *, plans_only: bool = False) -> list[str]:
    """Load every demo plan that is not there yet plus the demo users; return the keys loaded.

    Only an empty database becomes a demo (users with the public password, the demo cookie key). A real
    database is refused, unless ``plans_only``: then the demo plans are added, never the demo users, and
    the database stays real.
    """
    today = today or date.today()
    loaded: list[str] = []
    with UnitOfWork(engine, DEMO_LOADER, None, None) as uow:
        s = uow.s
        demo = s.get(AppMeta, "demo") is not None
        empty = s.scalar(select(Plan.id).limit(1)) is None and s.scalar(select(User.id).limit(1)) is None
        if not (demo or empty or plans_only):
            raise ValidationError(
                "Databasen er ikke en demodatabase, og demobrukerne (med kjent passord) legges ikke inn i en "
                "ekte database. Bruk `laget demo load --plans-only` for å legge inn bare demoplanene.")
        ensure_vocabulary(s)
        for order, filename in enumerate(DEMO_FILES):
            data = json.loads((DEMO_DIR / filename).read_text(encoding="utf-8"))
            if s.scalar(select(Plan.id).where(Plan.key == data["plan"]["key"])) is None:
                _load_plan(s, data, order, today)
                loaded.append(data["plan"]["key"])
        if plans_only:
            return loaded
        existing = set(s.scalars(select(User.username)))
        for username, name, role in DEMO_USERS:
            if username not in existing:
                s.add(User(username=username, name=name, role=role, email="",
                           password_hash=hash_password(DEMO_PASSWORD), active=True, created_at=datetime.now()))
        if s.get(AppMeta, "demo") is None:
            s.add(AppMeta(key="demo", value=today.isoformat()))
    return loaded


def _services(s: Session, data: dict) -> dict[str, Service]:
    areas = {a.name: a for a in s.scalars(select(ServiceArea))}
    services = {sv.name: sv for sv in s.scalars(select(Service))}
    for item in data.get("services", []):
        area_name = item.get("area") or "Annet"
        if area_name not in areas:
            areas[area_name] = ServiceArea(name=area_name)
            s.add(areas[area_name])
            s.flush()
        if item["name"] not in services:
            services[item["name"]] = Service(name=item["name"], area_id=areas[area_name].id)
            s.add(services[item["name"]])
    s.flush()
    return services


def _demo_evaluation_date(index: int, today: date) -> date:
    """Spread demo evaluation dates from two months ago to eight months ahead, on weekdays outside July.

    The plans give no evaluation dates, so these are example data (``next_evaluation_is_example``); a date
    that would fall in the fellesferie moves to the first weekday of August.
    """
    d = today + timedelta(days=(index * 37) % 300 - 60)
    if d.month == 7:
        d = date(d.year, 8, 1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _plan_next_year(s: Session, plan_id: int, year: int) -> None:
    """An EXAMPLE skoleruta and next year's meetings as the year planner proposes them, published.

    So the demo's next-year calendar shows what «Foreslå møteplan» gives (no person in two arenas a day);
    the skoleruta is labelled example data in its names and ``is_example``.
    """
    breaks = example_breaks(year)
    for b in breaks:
        s.add(SchoolBreak(plan_id=plan_id, name=b.name, start_date=b.start, end_date=b.end, is_example=True,
                          updated_by="demo"))
    arenas = list(s.scalars(select(Arena).where(Arena.plan_id == plan_id)))
    proposal = plan_year([plan_arena(a, arena_frequency(a.frequency)) for a in arenas], year, breaks)
    for p in proposal.dates:
        s.add(Meeting(arena_id=p.arena_id, planned_date=p.date, date=p.date, state="planlagt", note="",
                      plan_state="publisert", version=1, updated_by="demo"))


def _load_plan(s: Session, data: dict, order: int, today: date) -> None:
    p = data["plan"]
    plan = Plan(key=p["key"], name=p["name"], kommune=p["kommune"], start_year=p.get("start_year"),
                end_year=p.get("end_year"), uses_protective_factors=bool(p.get("uses_protective_factors")),
                source=p.get("source", ""), is_demo=True, sort_order=order,
                region_codes=p.get("region_codes"))
    s.add(plan)
    s.flush()
    labels = p.get("level_labels", {})
    levels: dict[str, Level] = {}
    for i, (slug, default_label, color_word, _hex) in enumerate(LEVELS):
        levels[slug] = Level(plan_id=plan.id, slug=slug, label=labels.get(slug, default_label),
                             color=color_word, sort_order=i)
        s.add(levels[slug])
    statuses = {st.slug: st for st in s.scalars(select(Status))}
    services = _services(s, data)
    factors: dict[str, ProtectiveFactor] = {}
    s.flush()
    tiltak_by_name: dict[str, Tiltak] = {}
    for i, t in enumerate(data.get("tiltak", [])):
        factor_id = None
        if t.get("protective_factor"):
            name = t["protective_factor"]
            if name not in factors:
                factors[name] = ProtectiveFactor(plan_id=plan.id, name=name, sort_order=len(factors))
                s.add(factors[name])
                s.flush()
            factor_id = factors[name].id
        row = Tiltak(plan_id=plan.id, level_id=levels[t["level"]].id, name=t["name"],
                     description=t.get("description", ""), status_id=statuses[t["status"]].id,
                     status_note=t.get("status_note", ""), next_step=t.get("next_step", ""),
                     next_evaluation=_demo_evaluation_date(i, today), next_evaluation_is_example=True,
                     protective_factor_id=factor_id,
                     sort_order=i, version=1, updated_by="demo",
                     updated_at=datetime.combine(today, datetime.min.time()) - timedelta(days=(i * 23) % 400))
        row.services = [services[name] for name in t.get("services", [])]
        s.add(row)
        tiltak_by_name[t["name"]] = row
    for i, name in enumerate(p.get("risk_factors", [])):  # the plan names them but files no tiltak under them
        s.add(ProtectiveFactor(plan_id=plan.id, name=name, kind="risiko", sort_order=len(factors) + i))
    for i, a in enumerate(data.get("arenas", [])):
        s.add(Arena(plan_id=plan.id, name=a["name"], level=a["level"], purpose=a.get("purpose", ""),
                    leader=a.get("leader", ""), participants=list(a.get("participants", [])),
                    frequency_text=a.get("frequency_text", ""), frequency=dict(a.get("frequency") or {}),
                    is_new=bool(a.get("is_new")), sort_order=i, version=1))
    s.flush()
    _plan_next_year(s, plan.id, today.year + 1)
    for i, ind in enumerate(data.get("indicators", [])):
        indicator = Indicator(plan_id=plan.id, key=ind["key"], name=ind["name"],
                              description=ind.get("description", ""), unit=ind["unit"], better=ind["better"],
                              source=ind.get("source", ""), target_value=ind.get("target_value"),
                              target_year=ind.get("target_year"),
                              target_is_example=bool(ind.get("target_is_example")),
                              level_id=levels[ind["level"]].id if ind.get("level") else None, sort_order=i)
        s.add(indicator)
        s.flush()
        if ind.get("fetch"):
            fetch = dict(ind["fetch"])
            s.add(IndicatorSource(indicator_id=indicator.id, kind=fetch.pop("kind"), definition=fetch))
        seen: set[tuple[str, str]] = set()
        for v in ind.get("values", []):
            period = parse_period(str(v["period"])).label
            if (period, v["geo"]) in seen:
                continue
            seen.add((period, v["geo"]))
            s.add(IndicatorValue(indicator_id=indicator.id, period=period, geo=v["geo"],
                                 geo_name=v.get("geo_name", ""), value=v.get("value"),
                                 source=v.get("source", ""), is_example=bool(v.get("example"))))
    s.flush()
