"""The HTML alternative to the canvas grids: a real table, escaped user text, Norwegian cells."""

from datetime import date

import polars as pl

from dashboard.tables import html_table


def test_html_table_has_caption_scoped_headers_and_escaped_text():
    frame = pl.DataFrame({"Tiltak": ["<script>alert(1)</script>", "Foreldre & barn"],
                          "Neste evaluering": [date(2026, 3, 5), None], "Andel": [5.1, 1000.0]})
    html = html_table(frame, "Tiltak på «universell»", row_header="Tiltak")
    assert "<caption>Tiltak på «universell»</caption>" in html
    assert '<th scope="col">Neste evaluering</th>' in html
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in html
    assert "<script>" not in html and "Foreldre &amp; barn" in html
    assert "<td>05.03.2026</td>" in html and "<td>–</td>" in html and "None" not in html
    assert "<td>5,1</td>" in html and "<td>1\u00a0000</td>" in html


def test_long_tables_say_they_are_cut():
    html = html_table(pl.DataFrame({"n": list(range(12))}), "Tall", max_rows=10)
    assert html.count("<tr>") == 11 and "Viser de 10 første av 12 radene." in html
