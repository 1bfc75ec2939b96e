"""The coverage map: which factors each prevention level reaches with a tiltak, and where nothing does.

Pure: the rows (a plan's factors), the three levels and the tiltak↔factor links in, a grid out. An empty cell
is not an error but a gap for the implementation group to discuss, so it is named in words, never only by colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_access.domain.vocabulary import LEVELS

GAP_TEXT = "Ingen tiltak – tema for drøfting"
KINDS: dict[str, str] = {"beskyttelse": "Beskyttelsesfaktor", "risiko": "Risikofaktor"}

# The factors Bamble kommune's plan names (protective factors first, then the eight risk factors); the default
# list of a plan that has none of its own. Names shortened in our words where the plan explains them.
DEFAULT_FACTORS: list[tuple[str, str]] = [
    ("Aldersadekvat fungering på alle kompetanseområder", "beskyttelse"),
    ("En venn og tilhørighet til et sosialt fellesskap", "beskyttelse"),
    ("En fritidsinteresse før fylte 8 år", "beskyttelse"),
    ("Sosial tilpasning i barnehage og skole", "beskyttelse"),
    ("God foreldreomsorg", "beskyttelse"),
    ("Jobb og sosialt nettverk for foreldrene", "beskyttelse"),
    ("Positivt selvbilde innen 10-års alder", "beskyttelse"),
    ("Skadelige omsorgsformer", "risiko"),
    ("Alvorlige krenkelser", "risiko"),
    ("Emosjonell utilgjengelighet hos foresatte", "risiko"),
    ("Rusmiddelbruk", "risiko"),
    ("Alvorlige psykiske lidelser hos foreldre", "risiko"),
    ("Utviklingsvansker som ikke blir forstått og hjulpet", "risiko"),
    ("Skadelig psykososialt miljø i barnehage og skole", "risiko"),
    ("Levekårsutfordringer", "risiko"),
]


@dataclass(frozen=True)
class Factor:
    name: str
    kind: str  # beskyttelse | risiko
    id: int | None = None  # None: the default list, not yet stored for the plan

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Cell:
    factor: Factor
    level: str  # universell | selektiv | indikativ
    tiltak: tuple[str, ...]

    @property
    def is_gap(self) -> bool:
        return not self.tiltak


@dataclass(frozen=True)
class CoverageMap:
    factors: tuple[Factor, ...]
    levels: tuple[tuple[str, str], ...]  # (slug, the plan's label)
    cells: tuple[Cell, ...]
    is_default_list: bool = False

    def cell(self, factor_name: str, level: str) -> Cell:
        return next(c for c in self.cells if c.factor.name == factor_name and c.level == level)

    @property
    def gaps(self) -> list[Cell]:
        return [c for c in self.cells if c.is_gap]

    def label(self, level: str) -> str:
        return dict(self.levels).get(level, level)

    def rows(self) -> list[dict[str, str]]:
        """One row per factor: kind, factor, then one text per level (tiltak names, or the gap words)."""
        out = []
        for f in self.factors:
            row = {"Type": f.kind_label, "Faktor": f.name}
            for slug, label in self.levels:
                c = self.cell(f.name, slug)
                row[label] = "; ".join(c.tiltak) if c.tiltak else GAP_TEXT
            out.append(row)
        return out

    def gap_lines(self) -> list[str]:
        """«Rusmiddelbruk – Alle barn» for every empty cell, in map order."""
        return [f"{c.factor.name} – {self.label(c.level)}" for c in self.gaps]


def default_factors() -> list[Factor]:
    return [Factor(name, kind) for name, kind in DEFAULT_FACTORS]


def build_map(factors: list[Factor], level_labels: dict[str, str],
              links: list[tuple[str, str, str]], *, is_default_list: bool = False) -> CoverageMap:
    """``links`` are (factor name, level slug, tiltak name); a tiltak listed twice for a cell counts once."""
    levels = tuple((slug, level_labels.get(slug, default)) for slug, default, _, _ in LEVELS)
    cells = []
    for f in factors:
        for slug, _ in levels:
            names = dict.fromkeys(t for fn, lv, t in links if fn == f.name and lv == slug)
            cells.append(Cell(f, slug, tuple(sorted(names, key=str.casefold))))
    return CoverageMap(tuple(factors), levels, tuple(cells), is_default_list)
