"""The indicator catalogue: what prevention plans measure, with where each figure comes from. Pure.

An editor picks «Barn i lavinntekt (SSB 12944)» and a kommune; the catalogue supplies the table and the PxWebApi
or FHI codes, so nobody has to know ContentsCode or Regionvariabel. The data is ``catalogue.json`` beside this
module. An entry is ``verified`` only when a recorded answer of its table from the provider is in
``tests/fixtures/jsonstat/catalogue/`` and the tests read it with the entry's codes; every other entry is shown
with «Kodene er ikke kontrollert», and «Test» fetches from the source before anything is saved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from data_access.domain.errors import NotFound, ValidationError
from data_access.domain.vocabulary import BETTER, UNITS

CATALOGUE = Path(__file__).with_name("catalogue.json")
KOMMUNE_RE = re.compile(r"^\d{4}$")
KOMMUNER = {"3413": "Stange", "4012": "Bamble"}  # the demo plans' kommuner; any other is typed as four digits
UNCHECKED = "Kodene er ikke kontrollert"


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    provider: str
    kind: str | None  # ssb | fhi | None (no client in Laget: «Importer tall»)
    table: str | None
    unit: str
    better: str
    verified: bool
    origin: str
    plan_topic: str
    region_dim: str | None = None
    time_dim: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    source: str = ""
    decimals: int | None = None

    @property
    def label(self) -> str:
        """«Barn i lavinntekt (SSB 12944)»: the name, the provider and its table number."""
        short = self.provider.split(" ")[0]
        return f"{self.name} ({short} {self.table})" if self.table else f"{self.name} ({short})"

    @property
    def fetchable(self) -> bool:
        """Laget can fetch it: a provider with a client, a table and the codes of every other dimension."""
        return bool(self.kind and self.table and self.values)

    def describe(self) -> str:
        """Source, table, codes, unit and direction in words, for the editor."""
        codes = ", ".join(f"{k}={v}" for k, v in self.values.items()) or "ikke lagt inn"
        table = self.table or "ikke lagt inn"
        return (f"Kilde: {self.provider} · Tabell: {table} · Koder: {codes} · Enhet: {UNITS[self.unit]} · "
                f"{BETTER[self.better]}")


@cache
def entries() -> tuple[Entry, ...]:
    raw = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    out = []
    for e in raw["entries"]:
        out.append(Entry(key=e["key"], name=e["name"], provider=e["provider"], kind=e.get("kind"),
                         table=e.get("table"), unit=e["unit"], better=e["better"], verified=bool(e["verified"]),
                         origin=e["origin"], plan_topic=e["plan_topic"], region_dim=e.get("region_dim"),
                         time_dim=e.get("time_dim"), values=dict(e.get("values") or {}), source=e.get("source", ""),
                         decimals=e.get("decimals")))
    return tuple(out)


def entry(key: str) -> Entry:
    for e in entries():
        if e.key == key:
            return e
    raise NotFound(f"Fant ikke «{key}» i indikatorkatalogen.")


def check_kommune(code: str) -> str:
    text = (code or "").strip()
    if not KOMMUNE_RE.match(text):
        raise ValidationError(f"Kommunenummeret «{text}» må være fire sifre, f.eks. 3413 for Stange.",
                              field="kommune")
    return text


def definition(e: Entry, kommune: str, plan_kommune: list[str] | None = None) -> dict[str, Any]:
    """The raw source definition (as ``parse_definition`` reads it) for an entry and a kommune.

    The plan's own kommune keeps the plan's region codes (earlier kommune numbers, fylke and land); another
    kommune is fetched for itself and the whole country."""
    if not e.fetchable:
        raise ValidationError(f"«{e.name}» kan ikke hentes automatisk ennå. {e.origin}", field="entry")
    code = check_kommune(kommune)
    raw: dict[str, Any] = {"table": e.table, "region_dim": e.region_dim, "time_dim": e.time_dim,
                           "values": dict(e.values), "unit": e.unit}
    if e.kind == "fhi":
        raw["source"] = e.source
    if e.decimals is not None:
        raw["decimals"] = e.decimals
    if not plan_kommune or code != plan_kommune[0]:
        raw["regions"] = {"kommune": [code], "land": ["0"]}
    return raw


def matching(kind: str | None, stored: dict[str, Any]) -> Entry | None:
    """The catalogue entry a stored definition was made from (same provider, table and codes), if any."""
    for e in entries():
        if e.fetchable and e.kind == kind and e.table == str(stored.get("table")) and \
                e.values == dict(stored.get("values") or {}):
            return e
    return None
