"""Reading a kommune's skoleruta (school holiday periods) from CSV or Excel, for the year planner.

Why: kommunene publish skoleruta as a table of free periods (høstferie, juleferie, vinterferie, påskeferie,
planleggingsdager …). The coordinator downloads or types it as three columns — Navn, Fra, Til — and the planner
keeps meetings out of those days. Header names are matched loosely («Fra og med», «Første fridag» …); dates may
be dd.mm.åååå, åååå-mm-dd or Excel dates. Every bad row gets a Norwegian message; nothing is stored unless the
whole file reads (``data_access/writes/planner.py``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from data_access.domain.planner import SchoolBreak
from data_access.formats.plan_import import RowError, _open, _Stream

MAX_ROWS = 500
HEADERS = {
    "name": ("navn", "ferie", "fri", "periode", "beskrivelse", "hva"),
    "start": ("fra", "fra og med", "fra dato", "første fridag", "start", "fom", "f.o.m."),
    "end": ("til", "til og med", "til dato", "siste fridag", "slutt", "tom", "t.o.m."),
}
TEMPLATE = "Navn;Fra;Til\nHøstferie;28.09.2026;02.10.2026\nJuleferie;21.12.2026;01.01.2027\n"


@dataclass
class Skoleruta:
    breaks: list[SchoolBreak] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.breaks)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern, order in ((r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (3, 2, 1)), (r"(\d{4})-(\d{1,2})-(\d{1,2})", (1, 2, 3)),
                           (r"(\d{1,2})/(\d{1,2})/(\d{4})", (3, 2, 1))):
        if m := re.fullmatch(pattern, text):
            try:
                return date(int(m.group(order[0])), int(m.group(order[1])), int(m.group(order[2])))
            except ValueError:
                return None
    return None


def _columns(header: list[Any]) -> dict[str, int] | str:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = " ".join(str(cell or "").strip().lower().rstrip(":").split())
        for what, words in HEADERS.items():
            if key in words and what not in found:
                found[what] = i
    missing = [w for w in ("start", "end") if w not in found]
    if missing:
        return ("Fant ikke kolonnene «Fra» og «Til» i første rad. Første rad må være overskriftene Navn, Fra, Til "
                "(f.eks. «Høstferie; 28.09.2026; 02.10.2026» på neste rad).")
    return found


def _rows_to_breaks(rows: list[tuple[int, list[Any]]]) -> Skoleruta:
    out = Skoleruta()
    if not rows:
        out.errors.append("Filen er tom.")
        return out
    columns = _columns(rows[0][1])
    if isinstance(columns, str):
        out.errors.append(columns)
        return out
    for number, cells in rows[1:MAX_ROWS + 1]:
        def cell(what: str, cells: list[Any] = cells) -> Any:
            i = columns.get(what)
            return cells[i] if i is not None and i < len(cells) else None

        if all(c is None or not str(c).strip() for c in cells):
            continue
        name = str(cell("name") or "").strip() or "Skolefri"
        start, end = _date(cell("start")), _date(cell("end"))
        if start is None or end is None:
            bad = cell("start") if start is None else cell("end")
            out.errors.append(f"Rad {number}: «{str(bad or '').strip() or 'tom'}» er ikke en dato. "
                              "Skriv datoen som dd.mm.åååå.")
        elif end < start:
            out.errors.append(f"Rad {number}: «Til» ({end:%d.%m.%Y}) er før «Fra» ({start:%d.%m.%Y}).")
        elif (end - start).days > 120:
            out.errors.append(f"Rad {number}: «{name}» varer over 120 dager; er datoene riktige?")
        else:
            out.breaks.append(SchoolBreak(name[:200], start, end))
    if len(rows) > MAX_ROWS + 1:
        out.errors.append(f"Filen har over {MAX_ROWS} rader; en skolerute har noen titalls.")
    if not out.breaks and not out.errors:
        out.errors.append("Fant ingen ferieperioder under overskriftene.")
    return out


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [(i + 1, row) for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter))]


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, list[Any]]], list[str]]:
    errors: list[RowError] = []
    book = _open(data, errors)
    if book is None:
        return [], [e.message for e in errors]
    try:
        stream = _Stream(book, book.sheetnames[0])
        rows = []
        for number, cells in stream.rows():
            width = max(cells, default=0)
            rows.append((number, [cells[c][0] if c in cells else None for c in range(1, width + 1)]))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows, []
    except Exception:  # noqa: BLE001 - any unreadable sheet is the same message to the user
        return [], ["Fant ikke et lesbart ark i arbeidsboken. Lagre den på nytt i Excel, eller bruk CSV."]
    finally:
        book.close()


def read_skoleruta(data: bytes, filename: str) -> Skoleruta:
    """The school breaks in an uploaded CSV or XLSX file, with Norwegian errors (pure apart from parsing)."""
    if len(data) > 2_000_000:
        return Skoleruta(errors=["Filen er for stor; en skolerute er noen få kB."])
    if filename.lower().endswith(".xlsx"):
        rows, errors = _xlsx_rows(data)
        if errors:
            return Skoleruta(errors=errors)
        return _rows_to_breaks(rows)
    if filename.lower().endswith((".csv", ".txt")):
        return _rows_to_breaks(_csv_rows(data))
    return Skoleruta(errors=["Laget leser skoleruta fra .csv eller .xlsx."])
