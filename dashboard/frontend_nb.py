"""Streamlit's own front-end words in bokmål: a documented patch of a COPY of its static folder.

Streamlit has no setting for the language of its front end: «Skip to main content», «Download as CSV», «Page not
found», the file uploader's «Upload» and «200MB per file», the date field's «dd.mm.yyyy» and the screen-reader
labels («Choose date», «Link to heading», «Help for …») are compiled into its JavaScript bundle. ``PATCHES`` is
the explicit table of what is replaced, each entry with the number of times its English text must occur in the
bundle. ``laget run`` (and the e2e tests) copy Streamlit's static folder once per Streamlit version and table into
the user's cache folder, apply the table there and serve that copy; site-packages is never changed, so a
``pip install`` cannot silently undo or half-apply it. ``tests/unit/test_frontend_nb.py`` fails when a Streamlit
upgrade makes an entry stop matching, so the patch cannot rot unnoticed; at start a mismatch is logged and the
entries that still match are applied.

Run a script with the patch: ``python -m dashboard.frontend_nb run dashboard/app.py [streamlit flags]``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("laget")


@dataclass(frozen=True)
class Patch:
    """Replace ``old`` by ``new`` in the files under ``folder`` (relative to the static folder); ``old`` must occur
    exactly ``count`` times there."""

    old: str
    new: str
    count: int = 1
    folder: str = "static/js"


PATCHES: tuple[Patch, ...] = (
    Patch('<html lang="en">', '<html lang="nb">', folder="."),
    # Opening an address that is no page
    Patch("this.showError(`Page not found`,", "this.showError(`Fant ikke siden`,"),
    Patch("`The page that you have requested does not seem to exist`", "`Siden du ba om, finnes ikke`"),
    Patch("`You have requested page /${e}, but no corresponding file was found in the app's pages/ directory`",
          "`Siden /${e} finnes ikke`"),
    Patch("{message:`${t}. Running the app's main page.`}", "{message:`${t}. Du ser forsiden i stedet.`}"),
    # Layout and headings
    Patch("children:`Skip to main content`", "children:`Hopp til hovedinnholdet`"),
    Patch('"aria-label":`Link to heading`', '"aria-label":`Lenke til overskriften`'),
    Patch("m(t)?`Help`:`Help for ${t.replaceAll(/\\s+/g,` `)}`",
          "m(t)?`Hjelp`:`Hjelp til ${t.replaceAll(/\\s+/g,` `)}`"),
    Patch('"aria-label":`Close`', '"aria-label":`Lukk`', count=3),
    Patch("children:r?`view less`:`view more`", "children:r?`vis mindre`:`vis mer`"),
    Patch("children:`Don't show again`", "children:`Ikke vis igjen`"),
    # Icons: screen readers heard «science icon»
    Patch("if(e===`spinner`)return`Loading`;let{pack:t,icon:n}=h(e);return t===`material`&&n?`${n} icon`:",
          "if(e===`spinner`)return`Laster`;let{pack:t,icon:n}=h(e);return t===`material`&&n?`ikon`:"),
    Patch("hProperties:{role:`img`,ariaLabel:n+` icon`,", "hProperties:{role:`img`,ariaLabel:`ikon`,"),
    Patch('"aria-label":`Running...`', '"aria-label":`Arbeider …`'),
    Patch('"aria-label":`Sidebar`', '"aria-label":`Sidemeny`'),
    Patch('"aria-label":`App pages`', '"aria-label":`Sidene i Laget`', count=2),
    Patch('"aria-label":`Expand sidebar`', '"aria-label":`Åpne sidemenyen`'),
    Patch('"aria-label":`Collapse sidebar`', '"aria-label":`Lukk sidemenyen`'),
    # Choices and passwords
    Patch("?`Choose or add options`:`Choose or add an option`:r?`Choose options`:`Choose an option`)",
          "?`Velg eller legg til`:`Velg eller legg til`:r?`Velg ett eller flere`:`Velg`)"),
    Patch('"aria-label":`Open`,', '"aria-label":`Vis valgene`,', count=2),
    Patch("l??`Selectbox options`", "l??`Valg`"),
    Patch('"aria-label":`Clear value`', '"aria-label":`Tøm feltet`', count=2),
    Patch('"aria-label":`Clear all`', '"aria-label":`Fjern alle valg`'),
    Patch("renderEmptyState:()=>r(Ae,{children:`No results`})", "renderEmptyState:()=>r(Ae,{children:`Ingen treff`})"),
    Patch("if(t.maxSelections===0)return`No results`", "if(t.maxSelections===0)return`Ingen treff`"),
    Patch("Remove an option first.`}return`No results`}", "Remove an option first.`}return`Ingen treff`}"),
    # Not «Vis passordet»: «Passord» would then name two elements (the field is found by its label)
    Patch('"aria-label":O?`Hide password`:`Show password`', '"aria-label":O?`Skjul tegnene`:`Vis tegnene`'),
    # Element toolbar of tables and charts
    Patch("label:`Show/hide columns`", "label:`Vis eller skjul kolonner`"),
    Patch("label:`Download as CSV`", "label:`Last ned som CSV`"),
    Patch("label:`Search`,icon:", "label:`Søk`,icon:"),
    Patch("r(b,{label:`Fullscreen`,", "r(b,{label:`Fullskjerm`,"),
    Patch("r(b,{label:`Close fullscreen`,", "r(b,{label:`Lukk fullskjerm`,"),
    Patch("label:`Show data`,icon:", "label:`Vis tallene`,icon:", count=2),
    Patch("label:`Download as PNG`,icon:", "label:`Last ned som bilde (PNG)`,icon:", count=2),
    Patch("label:Te?`Copied!`:`Copy Vega-Lite spec`", "label:Te?`Kopiert!`:`Kopier diagramoppsettet`"),
    # File uploader
    Patch("label:l?`Upload directories`:`Upload`", "label:l?`Last opp mapper`:`Last opp`"),
    Patch('type:`file`,"aria-label":`file upload`', 'type:`file`,"aria-label":`filopplasting`'),
    Patch("`${T(t,D.Byte,0)} per file`", "`Inntil ${T(t,D.Byte,0)} per fil`"),
    Patch("children:`Drag and drop ${D(a)} here`", "children:`Dra og slipp filer hit`"),
    Patch("children:l?`Drag and drop directories here`:t?`Drag and drop files here`:`Drag and drop a file here`",
          "children:l?`Dra og slipp mapper hit`:t?`Dra og slipp filer hit`:`Dra og slipp en fil hit`"),
    # Date input: the fields are drawn in Norwegian (dd.mm.åååå, «dag, Frist»), the calendar button named so
    Patch("children:n(p,{locale:`en-US`,children:", "children:n(p,{locale:`nb-NO`,children:"),
    Patch("children:r(p,{locale:`en-US`,children:", "children:r(p,{locale:`nb-NO`,children:"),
    Patch('"aria-label":`Choose date`', '"aria-label":`Velg dato`', count=2),
    Patch('"aria-label":k?`Choose date`:void 0', '"aria-label":k?`Velg dato`:void 0'),
    Patch('"aria-label":`${ce} start date`', '"aria-label":`${ce}, fra dato`'),
    Patch('"aria-label":`${ce} end date`', '"aria-label":`${ce}, til dato`'),
    Patch('"aria-label":`Choose date range`', '"aria-label":`Velg periode`', count=2),
    Patch('"aria-label":V?`Choose date range`:void 0', '"aria-label":V?`Velg periode`:void 0'),
)


# Texts the Streamlit server sends (module, name) → bokmål; set at start, checked by the same test.
PYTHON_TEXTS: dict[tuple[str, str], str] = {
    ("streamlit.elements.exception", "_GENERIC_UNCAUGHT_EXCEPTION_TEXT"):
        "Noe gikk galt på denne siden. Feilen er skrevet i loggen på tjeneren. Last inn siden på nytt, eller si fra "
        "til administrator hvis det skjer igjen.",
}


def install_python_texts() -> None:
    import importlib

    for (module, name), text in PYTHON_TEXTS.items():
        mod = importlib.import_module(module)
        if isinstance(getattr(mod, name, None), str):
            setattr(mod, name, text)
        else:
            log.warning("frontend_nb: %s.%s is gone; left in English", module, name)


def streamlit_static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def _files(static_dir: Path, patch: Patch) -> list[Path]:
    folder = static_dir / patch.folder
    pattern = "*.html" if patch.folder == "." else "*.js"
    return sorted(folder.glob(pattern))


def mismatches(static_dir: Path | None = None) -> list[tuple[Patch, int]]:
    """Entries whose English text does not occur exactly ``count`` times in ``static_dir`` (Streamlit's own by
    default), with the number found."""
    static_dir = static_dir or streamlit_static_dir()
    texts = {}
    found = []
    for patch in PATCHES:
        n = 0
        for path in _files(static_dir, patch):
            if path not in texts:
                texts[path] = path.read_text(encoding="utf-8")
            n += texts[path].count(patch.old)
        if n != patch.count:
            found.append((patch, n))
    return found


def apply(static_dir: Path) -> int:
    """Apply every entry that matches to the folder (a copy!); returns how many entries were applied."""
    bad = {id(p) for p, _ in mismatches(static_dir)}
    for patch, n in mismatches(static_dir):
        log.warning("frontend_nb: %r occurs %d times, expected %d; left in English", patch.old, n, patch.count)
    applied = 0
    for patch in PATCHES:
        if id(patch) in bad:
            continue
        for path in _files(static_dir, patch):
            text = path.read_text(encoding="utf-8")
            if patch.old in text:
                path.write_text(text.replace(patch.old, patch.new), encoding="utf-8")
        applied += 1
    return applied


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "laget" / "streamlit-static"


def patched_static_dir(cache_root: Path | None = None) -> Path:
    """The patched copy for this Streamlit version and table, made once (atomically) in the user's cache."""
    import streamlit

    table = repr(PATCHES).encode()
    name = f"{streamlit.__version__}-{hashlib.sha256(table).hexdigest()[:12]}"
    root = cache_root or _cache_root()
    target = root / name
    if (target / "index.html").exists():
        return target
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=root))
    try:
        shutil.copytree(streamlit_static_dir(), work / "static")
        apply(work / "static")
        try:
            (work / "static").rename(target)
        except OSError:  # another process made it first
            if not (target / "index.html").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def install() -> Path:
    """Make the Streamlit server (started after this call) serve the patched copy."""
    from streamlit import file_util

    folder = patched_static_dir()
    file_util.get_static_dir = lambda: str(folder)
    install_python_texts()
    return folder


def main() -> int:
    import streamlit.web.cli as stcli

    install()
    sys.argv = ["streamlit", *sys.argv[1:]]
    return stcli.main()


if __name__ == "__main__":
    sys.exit(main())
