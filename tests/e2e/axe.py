"""Run axe-core (vendored, see vendor/README.md) in a Playwright page and keep what WCAG 2.1 AA cares about."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SERIOUS = {"moderate", "serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Violations of impact moderate or higher on the page once Streamlit is idle.

    During a rerun Streamlit fades stale elements (``data-stale="true"``) to low contrast; that is not what a
    reader sees, so axe runs only when no element is stale and the status widget is gone.
    """
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')"
                           " && !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(300)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:4]:
            lines.append(f"    {node['target']} {node.get('failureSummary', '')[:200]!r}")
    return "\n".join(lines)
