"""The bokmål patch of Streamlit's front end still matches the installed Streamlit (issue 20.1).

A Streamlit upgrade that changes one of the English strings makes this test fail, so the table in
``dashboard/frontend_nb.py`` is updated instead of the English silently coming back."""

from pathlib import Path

from dashboard import frontend_nb


def test_every_entry_matches_the_installed_streamlit():
    assert frontend_nb.mismatches() == [], "update PATCHES in dashboard/frontend_nb.py for this Streamlit"


def test_server_texts_still_exist():
    import importlib

    for (module, name), _text in frontend_nb.PYTHON_TEXTS.items():
        assert isinstance(getattr(importlib.import_module(module), name, None), str), f"{module}.{name}"


def test_the_copy_is_patched_and_site_packages_is_not(tmp_path: Path):
    folder = frontend_nb.patched_static_dir(tmp_path)
    assert folder.parent == tmp_path
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in index
    bundle = "".join(p.read_text(encoding="utf-8") for p in (folder / "static" / "js").glob("*.js"))
    for patch in frontend_nb.PATCHES[1:]:
        assert patch.old not in bundle and patch.new in bundle
    original = frontend_nb.streamlit_static_dir()
    assert '<html lang="en">' in (original / "index.html").read_text(encoding="utf-8")
    assert frontend_nb.patched_static_dir(tmp_path) == folder  # made once, then reused
