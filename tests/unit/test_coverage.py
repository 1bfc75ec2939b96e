"""The coverage map as a pure function: cells, gaps in words, the default list."""

from data_access.domain.coverage import DEFAULT_FACTORS, GAP_TEXT, Factor, build_map, default_factors

LABELS = {"universell": "Alle barn", "selektiv": "Større risiko", "indikativ": "Særlig utsatt"}


def test_cells_hold_the_linked_tiltak_and_empty_cells_are_named_gaps():
    factors = [Factor("En venn", "beskyttelse", 1), Factor("Rusmiddelbruk", "risiko", 2)]
    links = [("En venn", "universell", "Fadderordning"), ("En venn", "universell", "Aktivitetsledere"),
             ("En venn", "universell", "Fadderordning"), ("En venn", "indikativ", "Støttekontakt")]
    cmap = build_map(factors, LABELS, links)
    assert cmap.cell("En venn", "universell").tiltak == ("Aktivitetsledere", "Fadderordning")
    assert [(c.factor.name, c.level) for c in cmap.gaps] == [
        ("En venn", "selektiv"), ("Rusmiddelbruk", "universell"), ("Rusmiddelbruk", "selektiv"),
        ("Rusmiddelbruk", "indikativ")]
    assert cmap.gap_lines()[0] == "En venn – Større risiko"
    rows = cmap.rows()
    assert rows[0] == {"Type": "Beskyttelsesfaktor", "Faktor": "En venn",
                       "Alle barn": "Aktivitetsledere; Fadderordning", "Større risiko": GAP_TEXT,
                       "Særlig utsatt": "Støttekontakt"}
    assert rows[1]["Type"] == "Risikofaktor" and rows[1]["Alle barn"] == GAP_TEXT


def test_the_default_list_is_bambles_seven_protective_and_eight_risk_factors():
    kinds = [k for _, k in DEFAULT_FACTORS]
    assert kinds.count("beskyttelse") == 7 and kinds.count("risiko") == 8
    cmap = build_map(default_factors(), {}, [], is_default_list=True)
    assert len(cmap.gaps) == 15 * 3 and cmap.is_default_list
    assert cmap.levels[0] == ("universell", "Universell")
