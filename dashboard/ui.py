"""Small reusable Streamlit pieces shared by the pages."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import polars as pl
import streamlit as st

from dashboard.context import PageContext
from data_access.domain.markup import escape_markdown
from data_access.domain.plans import kommune_title
from data_access.domain.validation import format_date
from data_access.domain.vocabulary import EXAMPLE_LABEL


def plain(text: object) -> str:
    """User text made safe for st.markdown/caption/info/error/toast/expander labels: it is shown literally."""
    return escape_markdown(text)


def plan_header(ctx: PageContext, title: str) -> None:
    """The title and one short line; the plan's full name, source and demo note come at the foot of the page
    (``plan_footer``), so the first screen of a phone answers the page's question (issue 20.2)."""
    st.title(title)
    demo = " · :material/science: Demodata, se nederst på siden" if ctx.plan.get("is_demo") else ""
    st.caption(plain(kommune_title(ctx.plan['kommune'])) + demo)
    st.session_state["_plan_footer"] = True


def plan_footer(ctx: PageContext) -> None:
    """Which plan, where it comes from and that demo figures are not official: below the page's content."""
    if not st.session_state.pop("_plan_footer", False):
        return
    plan = ctx.plan
    years = f" {plan['start_year']}–{plan['end_year']}" if plan.get("start_year") else ""
    years = years if years.strip() not in plan["name"] else ""
    st.divider()
    st.caption(plain(f"{kommune_title(plan['kommune'])} · {plan['name']}{years}"))
    if plan.get("source"):
        st.caption(plain(f"Kilde: {plan['source']}"))
    if plan.get("is_demo"):
        st.caption(":material/info: Demodata bygd på kommunens plan. Tall, mål og evalueringsdatoer merket "
                   "«eksempeldata» står ikke i planen og er ikke offisielle.")


def status_legend() -> None:
    """The status colours of the front page's pyramid as a legend in text, which wraps on a phone."""
    from html import escape

    from data_access.domain.vocabulary import STATUS_COLORS, STATUS_LABELS

    items = "".join(f'<li><span style="display:inline-block;width:0.9em;height:0.9em;margin-right:0.3em;'
                    f'vertical-align:-0.1em;border:1px solid #0b0c0c;background:{color}"></span>'
                    f"{escape(STATUS_LABELS[slug])}</li>" for slug, color in STATUS_COLORS.items())
    st.html('<ul aria-label="Forklaring til fargene" style="list-style:none;padding:0;margin:0;display:flex;'
            f'flex-wrap:wrap;gap:0.25rem 1rem;font-size:0.9rem">{items}</ul>')


def example_badge() -> None:
    st.badge(EXAMPLE_LABEL, icon=":material/science:", color="orange")


def example_note(flag: str = "next_evaluation_is_example") -> pl.Expr:
    """A «Merknad» column saying «Eksempeldata» where ``flag`` is set (e.g. demo evaluation dates)."""
    return pl.when(pl.col(flag)).then(pl.lit("Eksempeldata")).otherwise(pl.lit("")).alias("Merknad")


def date_column(label: str) -> st.column_config.DateColumn:
    return st.column_config.DateColumn(label, format="DD.MM.YYYY")


def joined(frame: pl.DataFrame, column: str, sep: str = ", ") -> pl.DataFrame:
    """Show a list column as readable text in a table."""
    return frame.with_columns(pl.col(column).list.join(sep))


def filter_multiselect(label: str, options: list, key: str, param: str, **kwargs) -> list:
    """A multiselect kept in the address (``param``) and across page switches; unknown values are dropped."""
    from dashboard.state import bound

    return bound(st.multiselect, label, key=key, param=param, options=options, multi=True, default=[], **kwargs)


def flash(message: str, icon: str | None = ":material/check_circle:") -> None:
    """Queue a toast for the next run, so it survives the ``st.rerun()`` that follows a save.

    ``message`` is plain text (it often names what the user typed) and is shown literally."""
    st.session_state.setdefault("_flash", []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop("_flash", []):
        st.toast(plain(message), icon=icon)


def rerun() -> None:
    """Rerun after a write: only the fragment we are in when the click came from one (the rest of the page
    is unchanged, and the browser redraws less), else the whole app."""
    from dashboard.context import in_fragment_rerun

    if in_fragment_rerun():
        st.rerun(scope="fragment")
    st.rerun()


def meeting_banner(ctx: PageContext) -> None:
    """Tell everyone that a meeting of the implementation group is open and that edits belong to it."""
    from data_access.reads.group_meetings import open_meeting

    meeting = ctx.read(open_meeting, ctx.plan_id)
    if meeting:
        st.info(f":material/groups: Møte i implementeringsgruppa pågår ({format_date(meeting['meeting_date'])}). "
                "Endringer du lagrer nå, kommer med i referatet.")


@st.cache_data(max_entries=256, show_spinner=False)
def pyramid_spec(rows: tuple[tuple, ...], columns: tuple[str, ...]) -> dict:
    """The pyramid's Vega-Lite spec. Building and validating an altair chart costs ~70 ms, more than the rest
    of the page, so it is built once per distinct set of counts."""
    import polars as pl

    from data_access.formats.chart_specs import pyramid_chart

    return pyramid_chart(pl.DataFrame(list(rows), schema=list(columns), orient="row"), selectable=True).to_dict()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_download(frame: pl.DataFrame, filename: str, *, label: str = "Last ned som Excel", key: str | None = None,
                   where=None) -> None:
    """A button that downloads the table as .xlsx; the file is built only when the button is clicked."""
    from data_access.formats.excel_export import frame_workbook

    download(label, lambda: frame_workbook(frame), file_name=filename, mime=XLSX_MIME, icon=":material/download:",
             key=key or f"xlsx_{filename}", where=where)


def download(label: str, build: Callable[[], bytes | str], *, file_name: str, mime: str, key: str,
             icon: str | None = None, where=None) -> None:
    """The one download button. Its file is built when it is clicked, on a thread outside any page run, so the
    login session is checked there first: after logout, a new password or deactivation the click builds nothing
    (and the rerun the click starts shows the login form)."""
    from data_access.db.liveness import require_live
    from data_access.domain.errors import AccessDenied

    ctx = st.session_state.get("_laget_ctx")

    def guarded() -> bytes | str:
        if ctx is None:
            raise AccessDenied("Logg inn for å laste ned.")
        require_live(ctx.engine, ctx.actor)
        return build()

    (where or st).download_button(label, data=guarded, file_name=file_name, mime=mime, icon=icon, key=key)


def chart(build: Callable[[], Any], *key: Hashable, **kwargs: Any) -> Any:
    """Draw an altair chart whose Vega-Lite spec is built once per data version and ``key``.

    Building and validating an altair chart against the Vega-Lite schema costs 5–10 ms a chart; the spec is
    built without validation (charts.py is unit-tested) and reused until the data changes. ``key`` must hold
    every input of ``build`` that is not data of the plan (year, month, chosen ids …).
    """
    return st.vega_lite_chart(per_version(lambda: arrow_datasets(build().to_dict(validate=False)), "chart", *key),
                              **kwargs)


def arrow_datasets(spec: dict) -> dict:
    """The spec with its inline datasets already as Arrow bytes, as Streamlit sends them: converting them
    (through pandas) on every rerun cost ~4 ms a chart; a cached spec now pays it once per data version."""
    from streamlit import dataframe_util

    if "datasets" in spec:
        to_arrow = dataframe_util.convert_anything_to_arrow_bytes
        spec["datasets"] = {name: data if isinstance(data, bytes) else to_arrow(data)
                            for name, data in spec["datasets"].items()}
    return spec


def per_version(build: Callable[[], Any], *key: Hashable) -> Any:
    """``build()`` once per data version and ``key`` (which must hold every input that is not plan data)."""
    from dashboard.reads import memo

    ctx = st.session_state.get("_laget_ctx")
    if ctx is None or not ctx.version:
        return build()
    return memo((ctx.settings.database_url, ctx.version, *key), build)


def show_error(exc: Exception, where=None) -> None:
    """The one way to show a refused write: the data layer's Norwegian message, literally, never a trace.

    ``where`` is a Streamlit container (defaults to the page). A ``LagetError`` is shown as it is; anything
    else means a bug, so the user gets a calm sentence and the details go to the server log. A write refused
    because the login session has ended (``SessionEnded``) also ends the session here, so the next run shows
    the login form with the same message.
    """
    import logging

    from data_access.domain.errors import LagetError, ValidationError

    target = where or st
    if isinstance(exc, ValidationError) and len(exc.errors) > 1:
        target.error("Ingenting er lagret. Rett opp feltene under:", icon=":material/error:")
        for e in exc.errors:
            target.error(plain(f"«{e.row}» – {e.message}" if e.row else e.message))
    elif isinstance(exc, LagetError):
        target.error(plain(str(exc)), icon=":material/error:")
    else:
        logging.getLogger("laget").exception("Unexpected error", exc_info=exc)
        target.error("Noe gikk galt, og ingenting ble lagret. Prøv igjen, eller kontakt administrator.",
                     icon=":material/error:")
    _end_if_session_ended(exc)


def keep_errors(key: str, errors: list[Exception]) -> None:
    """A button callback's refused write, kept for ``show_error`` in the run the click starts (a callback draws
    nothing itself). An ended session is dropped at once: the callback's run may be a fragment whose session
    check then sends the whole app to the login form, with this message."""
    st.session_state[f"_errors_{key}"] = errors
    for exc in errors:
        _end_if_session_ended(exc)


def kept_errors(key: str) -> list[Exception]:
    return st.session_state.pop(f"_errors_{key}", [])


def _end_if_session_ended(exc: Exception) -> None:
    from data_access.domain.errors import SessionEnded

    if isinstance(exc, SessionEnded):
        from dashboard.login_state import forget

        forget(notice=str(exc))


def attempt(action: Callable[[], Any], success: str | Callable[[Any], str], *, conflicts: str | None = None,
            where=None) -> bool:
    """Run one write the one way: on success a toast and a rerun; a refused write shows its Norwegian message
    and keeps the user's input on screen. With ``conflicts`` set, a ``ConflictError`` is kept for
    ``conflict_panel(conflicts, …)``, which shows the other person's values and lets the user re-apply."""
    from data_access.domain.errors import ConflictError

    try:
        result = action()
    except ConflictError as exc:
        if conflicts and exc.conflicts:
            st.session_state[f"_conflicts_{conflicts}"] = exc.conflicts
            st.rerun()
        show_error(exc, where)
        return False
    except Exception as exc:  # noqa: BLE001 - show_error logs anything that is not a LagetError
        show_error(exc, where)
        return False
    if conflicts:
        st.session_state.pop(f"_conflicts_{conflicts}", None)
        forget_snapshot(conflicts)
    flash(success(result) if callable(success) else success)
    st.rerun()
    return True


def show_value(field: str, value: object) -> str:
    """A field value as the user reads it in a conflict: status labels, dd.mm.åååå, lists joined."""
    from data_access.domain.vocabulary import STATUS_LABELS

    if value is None or value == "" or value == []:
        return "(tomt)"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if field == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "strftime"):
        return format_date(value)
    return str(value)


def conflict_panel(key: str, reapply: Callable[[Any], Any], *, labels: Callable[[str], str] = str) -> None:
    """The one way a conflict is shown: the other person's values beside yours, then «Bruk min endring oppå
    deres» (``reapply(conflict)`` saves against their version) or «Behold deres»."""
    stored = st.session_state.get(f"_conflicts_{key}", [])
    for conflict in stored:
        with st.container(border=True):
            st.warning(plain(conflict.message()), icon=":material/sync_problem:")
            names = list(conflict.yours)
            st.table(pl.DataFrame({  # st.table renders Markdown in its cells; Arrow, never pandas (issue 23)
                "Felt": [plain(labels(f)) for f in names],
                "Din endring": [plain(show_value(f, conflict.yours[f])) for f in names],
                "Lagret av den andre": [plain(show_value(f, conflict.theirs.get(f))) for f in names],
            }).to_arrow())
            c1, c2 = st.columns(2)
            ident = f"{key}_{conflict.entity}_{conflict.entity_id}"
            rest = [c for c in stored if c is not conflict]
            if not conflict.gone and c1.button("Bruk min endring oppå deres", key=f"reapply_{ident}"):
                st.session_state[f"_conflicts_{key}"] = rest
                attempt(lambda c=conflict: reapply(c), f"«{conflict.name}»: endringen din er lagt oppå.",
                        conflicts=key)
            if c2.button("Behold deres, forkast min", key=f"discard_{ident}"):
                st.session_state[f"_conflicts_{key}"] = rest
                forget_snapshot(key)
                st.rerun()


def snapshot(key: str, row: dict) -> dict:
    """The row as the user first saw it in a form, kept until saved or reloaded, so the version a save sends is
    the one the user saw and a newer save by someone else becomes a conflict, never a silent overwrite."""
    snap = st.session_state.setdefault(f"_snap_{key}", row)
    if snap.get("version") != row.get("version"):
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.caption(":material/sync_problem: Noen har lagret endringer her siden du åpnet skjemaet.")
        if c2.button("Last inn på nytt", key=f"reload_{key}"):
            forget_snapshot(key)
            st.rerun()
    return snap


def forget_snapshot(key: str) -> None:
    st.session_state.pop(f"_snap_{key}", None)
