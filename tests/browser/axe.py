"""axe-core (the copy bundled by axe-playwright-python; nothing is fetched at run time) run on a page.

`load_axe(context)` makes every page of a browser context carry axe from its first script on (injected once per
context, not sent again for every page); `serious_violations(page)` lists the violations of impact serious or
critical, one line per element: the rule, the element's selector, and what the rule asks for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BLOCKING = ("serious", "critical")


def axe_script() -> Path:
    try:
        from axe_playwright_python.base import AXE_FILE_PATH
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail("axe-playwright-python is not installed (pip install -e '.[test]')", pytrace=False)
    return Path(AXE_FILE_PATH)


def load_axe(context) -> None:
    context.add_init_script(path=str(axe_script()))


def serious_violations(pg, where: str | None = None) -> list[str]:
    """Run axe on the page as it is now; one line per serious or critical violation, labelled `where`."""
    if not pg.evaluate("typeof window.axe !== 'undefined'"):
        pg.evaluate(axe_script().read_text(encoding="utf-8"))
    results = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    label = where or pg.url
    lines = []
    for violation in results["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(
                f"{label}: {violation['id']} ({violation['impact']}) at {target}: {violation['help']}"
            )
    return lines
