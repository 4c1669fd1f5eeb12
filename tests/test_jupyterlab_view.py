"""notebooks/briefing.ipynb in a real JupyterLab, run in headless Chromium: dollar amounts stay text
(MathJax typesets a control output but none of the briefing's), the briefing stylesheet reaches the
outputs scoped to them, and flags keep the reader's colours under the light and dark themes.
The work is done by tools/check_jupyterlab.py, which an analyst can also run by hand."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def lab_check():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium: .ci/run installs the Debian package 'chromium'")
        pytest.skip("no /usr/bin/chromium here (apt-get install chromium); CI installs it")
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("JupyterLab runs from this checkout's .venv (make venv)")
    spec = importlib.util.spec_from_file_location("check_jupyterlab", ROOT / "tools" / "check_jupyterlab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
def test_briefing_in_jupyterlab_reads_as_the_briefing(tmp_path, lab_check):
    report = lab_check.check(tmp_path, themes=("light", "dark"), chromium=str(CHROMIUM))
    assert lab_check.failures(report) == []
    light, dark = report["light"], report["dark"]
    assert light["control_typeset"] and light["mathjax_in_outputs"] == 0
    assert "$200–300" in light["dollar_texts"] and "$48M" in light["dollar_texts"]  # the header's title
    assert light["briefing_output_wrappers"] == light["html_outputs"] == light["style_elements_in_outputs"]
    for found in (light, dark):  # the reader's flag colours on a white page, whatever the theme
        assert found["flag"]["color"] == "rgb(138, 75, 0)" and found["flag"]["fontVariant"] == "small-caps"
        # The first confidence label keeps the stylesheet's colour for its level, whichever level the data gives
        # it: low #7a1c1c = rgb(122, 28, 28), moderate #6b4a00 = rgb(107, 74, 0) (briefing.css).
        level = next(c for c in found["confidence_class"].split() if c.startswith("confidence-"))
        assert found["confidence"]["color"] == {"confidence-low": "rgb(122, 28, 28)",
                                                "confidence-moderate": "rgb(107, 74, 0)"}[level]
    # JupyterLab's own interface is untouched by the outputs' stylesheet.
    assert "DejaVu" not in light["ui"]["#jp-top-panel"]["fontFamily"]
    assert "DejaVu" not in light["ui"][".jp-NotebookPanel-toolbar"]["fontFamily"]
