"""The layout of the plan workbook: one spec shared by the Excel export, the empty template and the import.

The export *is* the import template, so sheet names, headers and their explanations live here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from data_access.domain.frequency import parse_frequency
from data_access.domain.vocabulary import ARENA_LEVELS, BETTER, GEOS, LEVELS, STATUSES, UNITS


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text | list | date | number | int | bool
    required: bool = False
    help: str = ""


YES = "Ja"
NO = "Nei"
LIST_SEP = "; "

TILTAK = "Tiltak"
ARENAS = "Møtearenaer"
MEETINGS = "Møter"
INDICATORS = "Indikatorer"
VALUES = "Indikatorverdier"
LOG = "Endringslogg"
GUIDE = "Veiledning"

LEVEL_WORDS = ", ".join(f"{label} ({word})" for _, label, word, _ in LEVELS)
STATUS_WORDS = ", ".join(label for _, label, _ in STATUSES)

COLUMNS: dict[str, list[Column]] = {
    TILTAK: [
        Column("Nivå", "level", "text", True, f"Forebyggingsnivået: {LEVEL_WORDS}, eller planens egne navn på "
                                               "nivåene."),
        Column("Tiltak", "name", "text", True, "Navnet på tiltaket (høyst 200 tegn). Må være unikt i arket."),
        Column("Beskrivelse", "description", "text", False, "Hva tiltaket går ut på (høyst 4 000 tegn)."),
        Column("Status", "status", "text", True, f"En av: {STATUS_WORDS}."),
        Column("Statusnotat", "status_note", "text", False, "Kort om hvor tiltaket står (høyst 1 000 tegn)."),
        Column("Ansvar", "services", "list", False, "Ansvarlige tjenester, skilt med semikolon. Tjenester Laget "
                                                    "ikke kjenner, blir opprettet."),
        Column("Neste steg", "next_step", "text", False, "Hva som skal skje nå (høyst 1 000 tegn)."),
        Column("Neste evaluering", "next_evaluation", "date", False, "Dato for neste evaluering, formatert som "
                                                                     "dato i Excel (dd.mm.åååå), ikke tekst."),
        Column("Evalueringsdato er eksempeldata", "next_evaluation_is_example", "bool", False,
               "Ja hvis datoen ikke står i planen (eksempeldata). Tomt = Nei."),
        Column("Beskyttelsesfaktor", "protective_factor", "text", False, "Beskyttelsesfaktoren tiltaket styrker, "
                                                                        "hvis planen bruker dem."),
        Column("Arkivert", "archived", "bool", False, "Ja hvis tiltaket er avsluttet og arkivert. Tomt = Nei."),
    ],
    ARENAS: [
        Column("Nivå", "level", "text", True, f"En av: {', '.join(ARENA_LEVELS.values())} "
                                               "(eller kommune, tjeneste, individ)."),
        Column("Møtearena", "name", "text", True, "Navnet på møtearenaen (høyst 200 tegn). Må være unikt i arket."),
        Column("Agenda/målsetting", "purpose", "text", False, "Hva arenaen skal (høyst 2 000 tegn)."),
        Column("Leder", "leader", "text", False, "Hvem som leder eller kaller inn."),
        Column("Deltakere", "participants", "list", False, "Deltakende tjenester og roller, skilt med semikolon."),
        Column("Hyppighet", "frequency_text", "text", False, "Hvor ofte arenaen møtes, med planens egne ord; se "
                                                             "listen over hyppigheter Laget forstår nedenfor."),
        Column("Ny arena", "is_new", "bool", False, "Ja hvis arenaen er ny i planen. Tomt = Nei."),
        Column("Startdato", "start_date", "date", False, "Første dag arenaen gjelder (dato i Excel)."),
        Column("Sluttdato", "end_date", "date", False, "Siste dag arenaen gjelder (dato i Excel)."),
        Column("Avviklet", "retired", "bool", False, "Ja hvis arenaen er avviklet. Tomt = Nei."),
    ],
    MEETINGS: [
        Column("Dato", "date", "date", help="Møtedatoen (kun eksport; leses ikke ved import)."),
        Column("Planlagt dato", "planned_date", "date", help="Datoen hyppigheten ga."),
        Column("Møtearena", "arena", "text"),
        Column("Nivå", "level", "text"),
        Column("Leder", "leader", "text"),
        Column("Status", "state", "text", help="Planlagt, Avholdt eller Avlyst."),
        Column("Notat", "note", "text"),
    ],
    INDICATORS: [
        Column("Indikator", "name", "text", True, "Navnet på indikatoren (høyst 200 tegn). Må være unikt i arket."),
        Column("Beskrivelse", "description", "text", False, "Hva indikatoren måler (høyst 2 000 tegn)."),
        Column("Enhet", "unit", "text", True, f"En av: {', '.join(UNITS.values())}."),
        Column("Retning", "better", "text", True, f"En av: {', '.join(BETTER.values())}."),
        Column("Kilde", "source", "text", False, "Hvor tallene kommer fra, f.eks. SSB tabell 09588."),
        Column("Mål", "target_value", "number", False, "Målverdien som tall (f.eks. 85 for 85 %)."),
        Column("Målår", "target_year", "int", False, "Året målet skal nås, f.eks. 2026. Må fylles ut når Mål er "
                                                    "fylt ut."),
        Column("Mål er eksempeldata", "target_is_example", "bool", False, "Ja hvis målet ikke står i planen."),
        Column("Nivå", "level", "text", False, "Forebyggingsnivået indikatoren hører til (som i arket Tiltak)."),
    ],
    VALUES: [
        Column("Indikator", "indicator", "text", True, "Navnet på indikatoren, nøyaktig som i arket Indikatorer."),
        Column("Periode", "period", "text", True, "F.eks. 2024, 2023/24 eller 2016–2022. Skriv årstall som tekst "
                                                  "eller tall."),
        Column("Geografi", "geo", "text", True, f"En av: {', '.join(GEOS.values())}."),
        Column("Sted", "geo_name", "text", False, "F.eks. Stange, Innlandet eller Hele landet."),
        Column("Verdi", "value", "number", False, "Tallet, som tall i Excel (ikke tekst). Tomt = mangler."),
        Column("Kilde", "source", "text", False, "Hvor tallet kommer fra."),
        Column("Eksempeldata", "is_example", "bool", False, "Ja hvis tallet ikke er et offisielt tall."),
    ],
    LOG: [
        Column("Tidspunkt", "at", "datetime", help="Kun eksport; leses ikke ved import."),
        Column("Hvem", "who", "text"),
        Column("Gjelder", "entity", "text"),
        Column("Navn", "entity_name", "text"),
        Column("Handling", "action", "text"),
        Column("Felt", "field", "text"),
        Column("Fra", "old", "text"),
        Column("Til", "new", "text"),
    ],
}
SHEET_ORDER = (TILTAK, ARENAS, MEETINGS, INDICATORS, VALUES, LOG)
IMPORTED = (TILTAK, ARENAS, INDICATORS, VALUES)  # the sheets an import reads; the others are export only
WIDTHS = {"text": 28, "list": 30, "date": 13, "datetime": 17, "number": 11, "int": 9, "bool": 12}
WIDE = {"name": 45, "description": 60, "purpose": 60, "status_note": 45, "next_step": 40, "indicator": 45}

FREQUENCY_EXAMPLES = ("Ukentlig", "Hver 14. dag", "Månedlig", "Annenhver måned", "Kvartalsvis", "Halvårlig",
                      "5 ganger i året", "5 møter pr. år", "1-2 ganger pr. år", "Minimum 4 ganger i året",
                      "2 ganger per semester", "Årlig", "Årlig i mars", "Ved behov",
                      "Fast en gang i året og ved behov", "Hver 14. dag, helst torsdag")


def width(column: Column) -> int:
    return WIDE.get(column.field, WIDTHS[column.kind])


def guide_rows() -> list[tuple[str, str, str, str]]:
    """(Ark, Kolonne, Må fylles ut, Forklaring) for the «Veiledning» sheet, frequencies as Laget reads them."""
    rows = [("Generelt", "", "", "Arkene Tiltak, Møtearenaer, Indikatorer og Indikatorverdier leses ved import. "
             "Ikke gi arkene eller kolonneoverskriftene nye navn, ikke slå sammen celler og ikke bruk formler. "
             "Tomme rader hoppes over. Ingen opplysninger om enkeltbarn (fødselsnummer avvises)."),
            ("Generelt", "", "", "Møter og Endringslogg er bare til informasjon og leses ikke ved import.")]
    for sheet in IMPORTED:
        rows += [(sheet, c.header, YES if c.required else "", c.help) for c in COLUMNS[sheet]]
    rows += [("Nivåer", label, "", f"Fargen {word}; skriv «{label}» eller planens eget navn på nivået.")
             for _, label, word, _ in LEVELS]
    rows += [("Statuser", label, "", "Avsluttede tiltak kan også arkiveres." if closed else "")
             for _, label, closed in STATUSES]
    rows += [("Hyppigheter", text, "", f"Laget forstår: {parse_frequency(text).label()}")
             for text in FREQUENCY_EXAMPLES]
    return rows
