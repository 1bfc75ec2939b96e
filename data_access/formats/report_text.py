"""The report's words, shared by the PDF and the Word renderer so both say the same thing."""

from __future__ import annotations

from data_access.domain.formatting import fmt_date, fmt_int, fmt_value
from data_access.domain.vocabulary import EXAMPLE_LABEL
from data_access.reads.report import EXAMPLE, IndicatorSection, Report

SECTIONS = {
    "numbers": "1 Tilstanden i tall",
    "pyramid": "2 Tiltakspyramiden",
    "tiltak": "3 Tiltak per nivå",
    "overdue": "4 Evalueringer som er forfalt",
    "meetings": "5 Møter: avholdt mot planlagt",
    "indicators": "6 Indikatorer",
    "coverage": "7 Dekningskart: faktorer per nivå",
}


def title_facts(report: Report) -> list[tuple[str, str]]:
    return [("Kommune", report.kommune), ("Periode", report.period.label), ("Status per", fmt_date(report.as_of)),
            ("Utarbeidet", f"{fmt_date(report.generated)} i Laget")]


def example_note(report: Report) -> str:
    demo = " Planen er en demoplan bygd på kommunens plandokument." if report.is_demo else ""
    return (f"Rapporten inneholder {EXAMPLE_LABEL.lower()}, merket «{EXAMPLE}» ved hvert tall og hver figur "
            f"det gjelder.{demo}")


def tiltak_intro(report: Report) -> str:
    parts = [f"Tiltakene per nivå med status per {fmt_date(report.as_of)}, ansvarlige tjenester, statusnotat og "
             f"hva som ble endret i perioden (fra endringsloggen)."]
    parts.append(f"Nye tiltak i perioden: {', '.join(report.new_tiltak) if report.new_tiltak else 'ingen'}.")
    parts.append("Arkiverte tiltak i perioden: "
                 f"{', '.join(report.archived_tiltak) if report.archived_tiltak else 'ingen'}.")
    parts.append(f"Tiltak med endret status i perioden (fra → til, angrede endringer regnes ikke): "
                 f"{fmt_int(report.status_changes)}.")
    return " ".join(parts)


def meeting_cell(report: Report, row: dict, column: str) -> str:
    """A number of the meetings tables; «Avholdt» is «–» (not registered) when no meeting is marked held."""
    if column == "Avholdt" and not report.held_registered:
        return "–"
    return fmt_int(row[column])


def meeting_note(report: Report) -> str:
    note = (f"Møter i perioden per møtearena og nivå, for arenaene slik de var i perioden (en arena teller fra den "
            f"ble lagt til, og til den ble avviklet). «Planlagt hittil» er møtene etter arenaens hyppighet fram til "
            f"{fmt_date(report.as_of)}, uten avlyste; «Avholdt» er møtene SLT-koordinator har merket som avholdt; "
            "«Gjenstår» er planlagte møter senere i perioden. Arenaer som møtes ved behov, har ingen faste datoer "
            "og står ikke i tabellen.")
    if not report.held_registered:
        note += (" Ingen møter i perioden er merket som avholdt i Laget, så «Avholdt» er ikke registrert "
                 "(«–» i tabellene).")
    return note


def coverage_note(report: Report) -> str:
    cmap = report.coverage
    if cmap is None:
        return ""
    default = (" Planen har ingen egen faktorliste, så kartet bruker standardlista (faktorene Bamble kommunes plan "
               "nevner), og ingen tiltak er knyttet til en faktor ennå.") if cmap.is_default_list else ""
    return (f"Hvilke risiko- og beskyttelsesfaktorer tiltakene virker på, per nivå, slik planen står "
            f"{fmt_date(report.generated)}. {fmt_int(len(cmap.gaps))} av {fmt_int(len(cmap.cells))} ruter har "
            f"ingen tiltak; de er tema for drøfting, ikke feil.{default}")


def coverage_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the map: factor (with its type), then one cell per level."""
    cmap = report.coverage
    if cmap is None:
        return [], []
    header = ["Faktor", *[label for _, label in cmap.levels]]
    rows = [[f"{r['Faktor']} ({r['Type'].lower()})", *[r[label] for _, label in cmap.levels]] for r in cmap.rows()]
    return header, rows


def indicator_facts(ind: IndicatorSection) -> list[tuple[str, str]]:
    st = ind.status
    latest = ind.latest + (f" ({st.latest_period})" if st.latest_period else "")
    if st.latest_is_example:
        latest += f" – {EXAMPLE}"
    change = ind.change + (f" (fra {st.previous_period})" if st.previous_period else "")
    if st.change is not None and ind.has_example:
        change += f" – {EXAMPLE}"
    land = fmt_value(st.land_value, ind.unit)
    if st.land_value is not None and ind.has_example:
        land += f" – {EXAMPLE}"
    dated = f"Siste periode {st.latest_period or '–'}"
    if ind.updated:
        dated += f"; sist oppdatert i Laget {fmt_date(ind.updated)}"
    rows = [("Siste verdi", latest), ("Endring", change), ("Status", ind.status_words), ("Landet", land),
            ("Mål", ind.target), ("Retning", ind.better_label or "–"), ("Kilde", ind.source), ("Dato", dated)]
    if ind.has_example:
        rows.append(("Merknad", EXAMPLE_LABEL))
    return rows
