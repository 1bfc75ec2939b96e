"""How ``laget run`` starts the server (issue 18.5): no full garbage collection after every page run, and the
first page run's imports made before the first user arrives."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from dashboard.cli import main, streamlit_flags
from dashboard.preload import script_imports

ROOT = Path(__file__).resolve().parents[2]


def test_laget_run_turns_off_streamlits_gc_after_every_run_and_preloads(monkeypatch):
    import streamlit.web.cli as stcli

    seen = {}

    def fake_main():
        seen["argv"] = list(sys.argv)
        seen["preloaded"] = {"dashboard.tiltak_editor", "dashboard.indicator_ui", "pandas", "alembic.command"} \
            <= set(sys.modules)
        return 0

    monkeypatch.setattr(stcli, "main", fake_main)
    monkeypatch.delenv("STREAMLIT_RUNNER_POST_SCRIPT_GC", raising=False)
    main(["run", "--server.port", "8600"])
    assert "--runner.postScriptGC=false" in seen["argv"]
    assert seen["argv"][-2:] == ["--server.port", "8600"]
    assert seen["preloaded"]


def test_the_operator_can_still_choose_streamlits_gc():
    assert "--runner.postScriptGC=false" not in streamlit_flags(["--runner.postScriptGC=true"], env={})
    assert "--runner.postScriptGC=false" not in streamlit_flags([], env={"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"})


def test_streamlit_accepts_the_flag_and_the_packaged_config_sets_it():
    from streamlit.web.cli import main_run

    assert "runner_postScriptGC" in {p.name for p in main_run.params}
    config = tomllib.loads((ROOT / "dashboard" / "streamlit_config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_preload_covers_every_page_script_import():
    names = script_imports()
    assert {"dashboard.tiltak_editor", "dashboard.auth", "data_access.reads.tiltak", "polars"} <= set(names)
    code = ("import sys, inspect; from dashboard.preload import preload, script_imports; missing = preload(); "
            "print(missing, [n for n in script_imports() if n not in sys.modules]); "
            # the first element of the first run no longer walks the stack to ask whether this is a REPL
            "inspect.stack = None; import streamlit.delta_generator as d; d._maybe_print_use_warning(); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.split("\n")[:2] == ["[] []", "ok"], out.stderr[-2000:]
