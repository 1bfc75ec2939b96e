"""A small JSON-stat 2.0 dataset reader (https://json-stat.org/full/), as SSB's PxWebApi v2 and FHI return it.

Pure: a parsed JSON object in, dimensions and cells out. It follows the format rather than one producer:
``value`` and ``status`` may be arrays or objects keyed by the flat index (``status`` may also be one string
for every cell), ``category.index`` may be an array, an object or absent (one category named in ``label``),
and cells are in row-major order: the last dimension in ``id`` varies fastest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class JsonStatError(ValueError):
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


def _categories(dim_id: str, dim: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, str], dict[str, dict]]:
    cat = dim.get("category")
    if not isinstance(cat, Mapping):
        raise JsonStatError(f"Dimensjonen «{dim_id}» mangler kategorier.")
    labels = {str(k): str(v) for k, v in (cat.get("label") or {}).items()}
    index = cat.get("index")
    if isinstance(index, list):
        codes = tuple(str(c) for c in index)
    elif isinstance(index, Mapping):
        codes = tuple(str(c) for c, _ in sorted(index.items(), key=lambda kv: int(kv[1])))
    elif index is None and len(labels) == 1:
        codes = tuple(labels)
    else:
        raise JsonStatError(f"Dimensjonen «{dim_id}» har verken indeks eller én enkelt kategori.")
    return codes, labels, {str(k): dict(v or {}) for k, v in (cat.get("unit") or {}).items()}


def _by_index(raw: Any, total: int, what: str) -> dict[int, Any]:
    if raw is None:
        return {}
    if isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(f"Datasettet har {len(raw)} {what}, men dimensjonene gir {total} celler.")
        return {i: v for i, v in enumerate(raw) if v is not None}
    if isinstance(raw, Mapping):
        out = {}
        for k, v in raw.items():
            i = int(k)
            if not 0 <= i < total:
                raise JsonStatError(f"Datasettet har en {what[:-1]} for celle {i}, men bare {total} celler.")
            if v is not None:
                out[i] = v
        return out
    raise JsonStatError(f"Feltet for {what} i datasettet har ukjent form.")


def parse(obj: Any) -> Dataset:
    """Read a JSON-stat 2.0 ``dataset`` object; raises ``JsonStatError`` with a Norwegian message."""
    if not isinstance(obj, Mapping):
        raise JsonStatError("Svaret er ikke et JSON-stat-datasett.")
    if obj.get("class", "dataset") != "dataset" or "id" not in obj or "dimension" not in obj:
        raise JsonStatError("Svaret er ikke et JSON-stat 2.0-datasett (mangler class, id eller dimension).")
    ids, sizes = [str(i) for i in obj["id"]], [int(n) for n in obj.get("size") or []]
    if len(ids) != len(sizes):
        raise JsonStatError("Datasettet har ulikt antall dimensjoner i «id» og «size».")
    dims = []
    for dim_id, size in zip(ids, sizes, strict=True):
        raw = obj["dimension"].get(dim_id)
        if not isinstance(raw, Mapping):
            raise JsonStatError(f"Dimensjonen «{dim_id}» er nevnt i «id», men ikke beskrevet.")
        codes, labels, units = _categories(dim_id, raw)
        if len(codes) != size:
            raise JsonStatError(f"Dimensjonen «{dim_id}» har {len(codes)} kategorier, men «size» sier {size}.")
        dims.append(Dimension(dim_id, str(raw.get("label") or dim_id), codes, labels, units))
    total = 1
    for n in sizes:
        total *= n
    values = _by_index(obj.get("value"), total, "verdier")
    raw_status = obj.get("status")
    if isinstance(raw_status, str):
        statuses = {i: raw_status for i in range(total)} if raw_status else {}
    elif isinstance(raw_status, list) and len(raw_status) == 1 and total != 1:
        statuses = {i: str(raw_status[0]) for i in range(total)}
    else:
        statuses = {i: str(s) for i, s in _by_index(raw_status, total, "statuser").items() if str(s)}
    roles = {k: list(v or []) for k, v in (obj.get("role") or {}).items()}
    return Dataset(str(obj.get("label") or ""), obj.get("updated"), tuple(dims), roles, values, statuses)
