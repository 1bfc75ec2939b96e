"""A small JSON-stat 2.0 dataset reader (https://json-stat.org/full/), as SSB's PxWebApi v2 and FHI return it.

Pure: a parsed JSON object in, dimensions and cells out. It follows the format rather than one producer:
``value`` and ``status`` may be arrays or objects keyed by the flat index (``status`` may also be one string
for every cell), ``category.index`` may be an array, an object or absent (one category named in ``label``),
and cells are in row-major order: the last dimension in ``id`` varies fastest.

The answer comes from outside, so every part of it is checked for its shape before it is used: a list where an
object belongs, a size that does not add up, a value or status that is an object, or more cells than any table
Laget reads (``MAX_CELLS``) give ``JsonStatError`` with a Norwegian message, never a ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from data_access.domain.errors import LagetError


class JsonStatError(LagetError, ValueError):
    """The answer is not a JSON-stat 2.0 dataset we can read; the message is Norwegian."""


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    codes: tuple[str, ...]
    labels: dict[str, str]
    units: dict[str, dict] = field(default_factory=dict)

    def label_of(self, code: str) -> str:
        return self.labels.get(code, code)


@dataclass(frozen=True)
class Cell:
    coords: dict[str, str]  # dimension id → category code
    value: float | str | None
    status: str | None


@dataclass(frozen=True)
class Dataset:
    label: str
    updated: str | None
    dimensions: tuple[Dimension, ...]
    roles: dict[str, list[str]]
    values: dict[int, Any]
    statuses: dict[int, str]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise JsonStatError(f"Datasettet har ingen dimensjon «{dim_id}».")

    def role(self, name: str) -> list[str]:
        return list(self.roles.get(name) or [])

    def size(self) -> int:
        n = 1
        for d in self.dimensions:
            n *= len(d.codes)
        return n

    def cells(self) -> Iterator[Cell]:
        """Every cell in row-major order, also those with neither value nor status (value None)."""
        sizes = [len(d.codes) for d in self.dimensions]
        for flat in range(self.size()):
            rest, coords = flat, {}
            for d, n in zip(reversed(self.dimensions), reversed(sizes), strict=True):
                rest, i = divmod(rest, n)
                coords[d.id] = d.codes[i]
            yield Cell({d.id: coords[d.id] for d in self.dimensions}, self.values.get(flat),
                       self.statuses.get(flat))

    def unit(self, metric_code: str) -> dict:
        for dim_id in self.role("metric"):
            units = self.dimension(dim_id).units
            if metric_code in units:
                return units[metric_code] or {}
        return {}


MAX_CELLS = 1_000_000  # one indicator's series is a few hundred cells; a size beyond this is a wrong answer


def _code(value: Any, what: str) -> str:
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise JsonStatError(f"{what} er ikke en kode (tekst), men {_kind(value)}.")


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "et objekt"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, bool):
        return "sann/usann"
    if value is None:
        return "tom (null)"
    return "et tall" if isinstance(value, int | float) else "tekst"


def _mapping(value: Any, what: str, *, optional: bool = True) -> Mapping[str, Any]:
    if value is None and optional:
        return {}
    if not isinstance(value, Mapping):
        raise JsonStatError(f"{what} skal være et objekt, men er {_kind(value)}.")
    return value


def _categories(dim_id: str, dim: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, str], dict[str, dict]]:
    cat = dim.get("category")
    if not isinstance(cat, Mapping):
        raise JsonStatError(f"Dimensjonen «{dim_id}» mangler kategorier.")
    labels = {_code(k, f"En kategori i «{dim_id}»"): str(v) if isinstance(v, str | int | float) else
              _code(v, f"Navnet på en kategori i «{dim_id}»")
              for k, v in _mapping(cat.get("label"), f"Kategorinavnene i «{dim_id}»").items()}
    index = cat.get("index")
    if isinstance(index, list):
        codes = tuple(_code(c, f"En kategori i «{dim_id}»") for c in index)
    elif isinstance(index, Mapping):
        for v in index.values():
            if not isinstance(v, int) or isinstance(v, bool):
                raise JsonStatError(f"Kategoriindeksen i «{dim_id}» skal ha hele tall, men har {_kind(v)}.")
        codes = tuple(str(c) for c, _ in sorted(index.items(), key=lambda kv: kv[1]))
        if sorted(index.values()) != list(range(len(codes))):
            raise JsonStatError(f"Kategoriindeksen i «{dim_id}» har hull eller doble plasser.")
    elif index is None and len(labels) == 1:
        codes = tuple(labels)
    else:
        raise JsonStatError(f"Dimensjonen «{dim_id}» har verken indeks eller én enkelt kategori.")
    units = {}
    for k, v in _mapping(cat.get("unit"), f"Enhetene i «{dim_id}»").items():
        units[str(k)] = dict(_mapping(v, f"Enheten for «{k}» i «{dim_id}»"))
    return codes, labels, units


def _by_index(raw: Any, total: int, what: str, allowed: tuple[type, ...]) -> dict[int, Any]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(f"Datasettet har {len(raw)} {what}, men dimensjonene gir {total} celler.")
        items: list[tuple[int, Any]] = list(enumerate(raw))
    elif isinstance(raw, Mapping):
        items = []
        for k, v in raw.items():
            try:
                i = int(k)
            except ValueError:
                raise JsonStatError(f"Feltet for {what} har nøkkelen «{str(k)[:20]}», som ikke er et cellenummer.") \
                    from None
            if not 0 <= i < total:
                raise JsonStatError(f"Datasettet har en {what[:-1]} for celle {i}, men bare {total} celler.")
            items.append((i, v))
    else:
        raise JsonStatError(f"Feltet for {what} i datasettet har ukjent form ({_kind(raw)}).")
    out = {}
    for i, v in items:
        if v is None:
            continue
        if not isinstance(v, allowed) or isinstance(v, bool):
            raise JsonStatError(f"Celle {i} har {_kind(v)} som {what[:-1]}.")
        out[i] = v
    return out


def _sizes(obj: Mapping[str, Any]) -> tuple[list[str], list[int]]:
    ids, sizes = obj["id"], obj.get("size") or []
    if not isinstance(ids, list) or not isinstance(sizes, list):
        raise JsonStatError("«id» og «size» i datasettet skal være lister.")
    ids = [_code(i, "En dimensjon i «id»") for i in ids]
    for n in sizes:
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise JsonStatError(f"«size» i datasettet skal ha hele tall, men har {_kind(n)}.")
    if len(ids) != len(sizes):
        raise JsonStatError("Datasettet har ulikt antall dimensjoner i «id» og «size».")
    if len(set(ids)) != len(ids):
        raise JsonStatError("Datasettet nevner samme dimensjon to ganger i «id».")
    return ids, sizes


def parse(obj: Any) -> Dataset:
    """Read a JSON-stat 2.0 ``dataset`` object; raises ``JsonStatError`` with a Norwegian message."""
    if not isinstance(obj, Mapping):
        raise JsonStatError("Svaret er ikke et JSON-stat-datasett.")
    if obj.get("class", "dataset") != "dataset" or "id" not in obj or "dimension" not in obj:
        raise JsonStatError("Svaret er ikke et JSON-stat 2.0-datasett (mangler class, id eller dimension).")
    ids, sizes = _sizes(obj)
    total = 1
    for n in sizes:
        total *= n
        if total > MAX_CELLS:
            raise JsonStatError(f"Datasettet sier det har mer enn {MAX_CELLS:,} celler; det er ikke et svar på "
                                "én indikator.".replace(",", " "))
    dimension = _mapping(obj["dimension"], "«dimension» i datasettet", optional=False)
    dims = []
    for dim_id, size in zip(ids, sizes, strict=True):
        raw = dimension.get(dim_id)
        if not isinstance(raw, Mapping):
            raise JsonStatError(f"Dimensjonen «{dim_id}» er nevnt i «id», men ikke beskrevet.")
        codes, labels, units = _categories(dim_id, raw)
        if len(codes) != size:
            raise JsonStatError(f"Dimensjonen «{dim_id}» har {len(codes)} kategorier, men «size» sier {size}.")
        label = raw.get("label")
        dims.append(Dimension(dim_id, str(label) if isinstance(label, str | int) and label != "" else dim_id,
                              codes, labels, units))
    values = _by_index(obj.get("value"), total, "verdier", (int, float, str))
    raw_status = obj.get("status")
    if isinstance(raw_status, str):
        statuses = {i: raw_status for i in range(total)} if raw_status else {}
    elif isinstance(raw_status, list) and len(raw_status) == 1 and total != 1:
        one = _by_index(raw_status, 1, "statuser", (str,))
        statuses = {i: one[0] for i in range(total)} if one else {}
    else:
        statuses = {i: s for i, s in _by_index(raw_status, total, "statuser", (str,)).items() if s}
    roles: dict[str, list[str]] = {}
    for k, v in _mapping(obj.get("role"), "«role» i datasettet").items():
        if v is not None and not isinstance(v, list):
            raise JsonStatError(f"Rollen «{k}» skal være en liste av dimensjoner, men er {_kind(v)}.")
        roles[str(k)] = [_code(d, f"En dimensjon i rollen «{k}»") for d in v or []]
        unknown = [d for d in roles[str(k)] if d not in ids]
        if unknown:
            raise JsonStatError(f"Rollen «{k}» nevner dimensjonen «{unknown[0]}», som datasettet ikke har.")
    label, updated = obj.get("label"), obj.get("updated")
    return Dataset(label if isinstance(label, str) else "", updated if isinstance(updated, str) else None,
                   tuple(dims), roles, values, statuses)
