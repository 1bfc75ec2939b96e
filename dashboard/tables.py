"""Tables everyone can read: the canvas grid for sighted mouse users, and the same rows as a real HTML table.

Streamlit's grids (st.dataframe, st.data_editor) and charts are canvases that screen readers and keyboard users
cannot read well. Every grid and chart therefore also has its values as a plain ``<table>`` with a
``<caption>`` and ``<th scope>``, behind a disclosure (``<details>``) so the page stays short. Cells go through
the one formatter and are escaped: user text is shown as text, never as HTML. A native ``<details>`` rather
than st.expander, because Streamlit does not allow an expander inside an expander.
"""

from __future__ import annotations

from html import escape

import polars as pl
import streamlit as st

from data_access.domain import formatting as fmt

MAX_ROWS = 500
STYLE = ("<style>.laget-table{border-collapse:collapse;width:100%;font-size:0.9rem}"
         ".laget-table caption{text-align:left;font-weight:600;padding:0.25rem 0}"
         ".laget-table th,.laget-table td{border:1px solid #b1b4b6;padding:0.25rem 0.5rem;text-align:left;"
         "vertical-align:top}.laget-table thead th{background:#f3f2f1}"
         ".laget-details summary{cursor:pointer;color:#1d70b8;text-decoration:underline;padding:0.25rem 0}"
         ".laget-details summary:focus-visible{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c}</style>")


def html_table(frame: pl.DataFrame, caption: str, *, row_header: str | None = None, max_rows: int = MAX_ROWS) -> str:
    """A real table: caption, column headers with scope="col", and ``row_header`` cells as scope="row" (pure)."""
    columns = frame.columns
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    rows = []
    for row in frame.head(max_rows).iter_rows():
        cells = []
        for name, value in zip(columns, row, strict=True):
            text = escape(fmt.text(value))
            cells.append(f'<th scope="row">{text}</th>' if name == row_header else f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = (f"<p>Viser de {fmt.number(max_rows)} første av {fmt.number(frame.height)} radene.</p>"
            if frame.height > max_rows else "")
    return (f'<table class="laget-table"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{more}")


def readable_html(frame: pl.DataFrame, caption: str, *, row_header: str | None = None,
                  label: str | None = None) -> str:
    """What ``readable_table`` shows, as a string (pure: a caller may build it once per data version)."""
    body = html_table(frame, caption, row_header=row_header) if not frame.is_empty() else "<p>Tabellen er tom.</p>"
    return (f'{STYLE}<details class="laget-details"><summary>{escape(label or "Les tabellen: " + caption)}</summary>'
            f"{body}</details>")


def readable_table(frame: pl.DataFrame, caption: str, *, row_header: str | None = None,
                   label: str | None = None) -> None:
    """The values as an HTML table in a native ``<details>`` (keyboard-operable, nests inside expanders)."""
    st.html(readable_html(frame, caption, row_header=row_header, label=label))


PINNED = ("Tiltak", "Status")  # on a 390 px phone these stay in view while the rest scrolls sideways (issue 20.2)


def pinned(frame_columns: list[str], column_config: dict | None) -> dict:
    """``column_config`` with the «Tiltak» and «Status» columns pinned to the left, where the table has them."""
    config = dict(column_config or {})
    if list(frame_columns[:len(PINNED)]) == list(PINNED):
        return config  # already the first columns (the tiltak lists): nothing to pin
    for name in PINNED:
        if name not in frame_columns or (name in config and config[name] is None):
            continue
        current = config.get(name)
        if isinstance(current, dict):
            config[name] = {**current, "pinned": True}
        else:
            config[name] = st.column_config.Column(current if isinstance(current, str) else name, pinned=True)
    return config


def grid(frame: pl.DataFrame, *, caption: str, column_config: dict | None = None, row_header: str | None = None,
         **kwargs) -> None:
    """st.dataframe with a name for assistive technology, «–» for missing cells, Tiltak and Status pinned, and its
    HTML table below."""
    kwargs.pop("hide_index", None), kwargs.pop("width", None)
    hidden = [name for name, cfg in (column_config or {}).items() if cfg is None]
    # Arrow, never a polars frame: Streamlit would convert that through pandas, which can deadlock (issue 23)
    st.dataframe(frame.to_arrow(), hide_index=True, width="stretch", column_config=pinned(frame.columns, column_config),
                 placeholder=fmt.MISSING, alt=caption, **kwargs)
    readable_table(frame.drop([c for c in hidden if c in frame.columns]), caption, row_header=row_header)
