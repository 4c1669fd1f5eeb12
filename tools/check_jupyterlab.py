"""Open notebooks/briefing.ipynb in a real JupyterLab, run every cell in headless Chromium, and check
what an analyst sees: no dollar amount typeset as maths, the briefing stylesheet applied to the
outputs and to nothing else, flags legible. Writes screenshots and prints a JSON report.

    .venv/bin/python tools/check_jupyterlab.py [--out DIR] [--port 8899] [--theme light|dark|both]

JupyterLab runs from this checkout's .venv on 127.0.0.1 only, on a copy of the notebook in a temporary
folder (so autosave never writes outputs into notebooks/), with its settings and workspaces in that
folder too; it is stopped by its process id when the check ends. Chromium is Debian's
/usr/bin/chromium driven by Playwright (never `playwright install`). Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TOKEN = "t0k"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
TITLE = "Recruits on $200–300 a month, drives of $48M"
CONTROL = "<p class='lab-check-control'>Control output, no ignore class: $200–300 a month, drives of $48M</p>"

# Run in the page: what every output shows, and whether the typesetter or our stylesheet touched it.
INSPECT = r"""
() => {
  const all = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
  const outputs = all.filter(o => !o.querySelector('.lab-check-control'));
  const control = all.find(o => o.querySelector('.lab-check-control'));
  const rules = [];
  for (const sheet of document.styleSheets) {
    const owner = sheet.ownerNode;
    if (!owner || !owner.closest || !owner.closest('.jp-OutputArea-output')) continue;
    const walk = (list) => { for (const r of list) { if (r.selectorText) rules.push(r.selectorText);
                                                     else if (r.cssRules) walk(r.cssRules); } };
    walk(sheet.cssRules);
  }
  const flag = document.querySelector('.jp-OutputArea-output .flag');
  const grade = document.querySelector('.jp-OutputArea-output .grade');
  const conf = document.querySelector('.jp-OutputArea-output .confidence');
  const style = (el) => el ? (({color, backgroundColor, fontVariant, borderTopColor, fontFamily}) =>
                              ({color, backgroundColor, fontVariant, borderTopColor, fontFamily}))(getComputedStyle(el)) : null;
  // Does our stylesheet leak into JupyterLab's own UI? Compare against elements outside outputs.
  const ui = ['.jp-NotebookPanel-toolbar', '.jp-InputArea-editor', '.jp-DirListing', '#jp-top-panel', 'body']
    .map(s => [s, style(document.querySelector(s))]);
  return {
    outputs: outputs.length,
    mathjax_in_outputs: outputs.reduce((n, o) => n + o.querySelectorAll('mjx-container, .MathJax, mjx-math').length, 0),
    control_typeset: control ? control.querySelectorAll('mjx-container').length : null,
    header_text: (document.querySelector('.jp-OutputArea-output header') || {}).innerText,
    mathjax_anywhere: document.querySelectorAll('mjx-container').length,
    typeset_samples: outputs.flatMap(o => [...o.querySelectorAll('mjx-container')].slice(0, 3)
                       .map(m => (m.closest('td,li,p') || m.parentElement).textContent.slice(0, 160))).slice(0, 6),
    dollar_texts: outputs.map(o => o.innerText).join('\n').match(/\$\d[\d,.]*(?:[–-]\d[\d,.]*)?(?:[MK])?/g)?.slice(0, 8) || [],
    html_outputs: outputs.filter(o => o.classList.contains('jp-RenderedHTMLCommon')).length,
    html_outputs_ignored: outputs.filter(o => o.classList.contains('jp-RenderedHTMLCommon'))
      .filter(o => o.querySelector(':scope > .mathjax_ignore') || [...o.children].every(c => c.closest('.mathjax_ignore') ||
                   c.classList.contains('mathjax_ignore') || c.tagName === 'STYLE')).length,
    briefing_output_wrappers: document.querySelectorAll('.jp-OutputArea-output .briefing-output').length,
    style_elements_in_outputs: document.querySelectorAll('.jp-OutputArea-output style').length,
    rules_in_outputs: rules.length,
    unscoped_rules: rules.filter(s => s.split(',').some(p => !p.trim().startsWith('.briefing-output'))).slice(0, 10),
    flag: style(flag), flag_text: flag && flag.textContent, grade: style(grade), confidence: style(conf),
    confidence_class: conf && conf.className,
    table_font: style(document.querySelector('.jp-OutputArea-output table')),
    ui: Object.fromEntries(ui),
  };
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(workdir: Path, port: int) -> subprocess.Popen:
    """JupyterLab on 127.0.0.1:``port`` serving a copy of the briefing notebook in ``workdir``."""
    notebooks = workdir / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    notebook = json.loads((ROOT / "notebooks" / "briefing.ipynb").read_text("utf-8"))
    for cell in notebook["cells"]:  # a title with dollar amounts, so the header is tested too
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            cell["source"] = re.sub(r'(?m)^title: str = ".*?"', f"title: str = {TITLE!r}", source)
    # A control output without the ignore classes: it must be typeset, or the check proves nothing.
    notebook["cells"].append({"cell_type": "code", "execution_count": None, "id": "lab-check-control",
                              "metadata": {"tags": ["lab-check-control"]}, "outputs": [],
                              "source": f"from IPython.display import HTML\nHTML({CONTROL!r})"})
    (notebooks / "briefing.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    settings = workdir / "settings"
    # Every cell in the DOM (no windowing), so outputs below the fold can be inspected and scrolled to.
    (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True, exist_ok=True)
    (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}), encoding="utf-8")
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True, exist_ok=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false"}), encoding="utf-8")  # no "Jupyter news?" toast over the screenshots
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(workdir / "ws"),
               JUPYTER_RUNTIME_DIR=str(workdir / "runtime"))
    venv = ROOT / ".venv" / "bin"
    command = [str(venv / "jupyter"), "lab", "--ip=127.0.0.1", f"--port={port}", "--no-browser",
               f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={notebooks}", "--ServerApp.port_retries=0",
               "--MultiKernelManager.default_kernel_name=briefings", "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(workdir / "lab.log", "w", encoding="utf-8")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited: {(workdir / 'lab.log').read_text('utf-8')[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    stop_lab(process)
    raise RuntimeError("JupyterLab did not answer within 60 s")


def stop_lab(process: subprocess.Popen) -> None:
    """Stop the JupyterLab we started (its own process group: the server and the kernels it spawned)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_notebook(page, port: int, timeout_ms: int = 120_000) -> None:
    """Open the notebook, run all cells, wait for every code cell to finish and typesetting to settle."""
    page.goto(f"http://127.0.0.1:{port}/lab/tree/briefing.ipynb?token={TOKEN}")
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')",
                           timeout=timeout_ms)
    # Wait for the kernel, then run everything.
    page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                           " return w && w.sessionContext && w.sessionContext.session &&"
                           " w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle'; }",
                           timeout=timeout_ms)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        "() => { const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];"
        " const w = window.jupyterapp.shell.currentWidget;"
        " return cells.length && cells.every(c => /\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt').textContent))"
        " && w.sessionContext.session.kernel.status === 'idle'; }", timeout=timeout_ms)
    # MathJax loads and typesets asynchronously after the outputs appear: the control output (the
    # last cell, no ignore class) is typeset once it has run over everything before it.
    page.wait_for_function("() => document.querySelector('.jp-OutputArea-output .lab-check-control mjx-container')",
                           timeout=30_000)
    page.wait_for_timeout(300)


def shoot(page, out: Path, prefix: str) -> list[str]:
    """Screenshots: the window, and the notebook scrolled to the key judgements and to the pay section."""
    paths = [out / f"{prefix}-top.png"]
    page.evaluate("() => document.querySelector('.jp-Notebook .jp-Cell').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(paths[0]), full_page=True)
    for name, selector in (("judgements", ".jp-OutputArea-output .bluf, .jp-OutputArea-output h2#key-judgements"),
                           ("pay", ".jp-OutputArea-output h2[id^='pay']")):
        target = page.locator(selector).first
        if target.count():
            page.evaluate("(sel) => document.querySelector(sel).scrollIntoView({block: 'start'})", selector)
            page.wait_for_timeout(200)
            path = out / f"{prefix}-{name}.png"
            page.screenshot(path=str(path))
            paths.append(path)
    return [str(p) for p in paths]


def check(out: Path, port: int | None = None, themes=("light",), chromium: str = CHROMIUM) -> dict:
    """Run the notebook in JupyterLab once per theme; return the findings and screenshot paths."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="lab-check-") as tmp:
        lab = start_lab(Path(tmp), port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
                try:
                    # One page, one run: the themes are looked at in turn on the same outputs.
                    page = browser.new_page(viewport={"width": 1400, "height": 1100})
                    run_notebook(page, port)
                    for theme in themes:
                        page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})",
                                      THEMES[theme])
                        page.wait_for_function("(light) => document.body.dataset.jpThemeLight === light",
                                               arg="true" if theme == "light" else "false", timeout=30_000)
                        page.wait_for_timeout(300)
                        found = page.evaluate(INSPECT)
                        found["screenshots"] = shoot(page, out, theme)
                        report[theme] = found
                    page.close()
                finally:
                    browser.close()
        finally:
            stop_lab(lab)
    return report


def failures(report: dict) -> list[str]:
    problems = []
    for theme, found in report.items():
        if found["mathjax_in_outputs"]:
            problems.append(f"{theme}: {found['mathjax_in_outputs']} MathJax elements in outputs: "
                            f"{found['typeset_samples']}")
        if not found["control_typeset"]:
            problems.append(f"{theme}: the control output was not typeset: MathJax did not run, the check proves nothing")
        if not found["dollar_texts"]:
            problems.append(f"{theme}: no '$' followed by digits in the outputs' text")
        if found["unscoped_rules"]:
            problems.append(f"{theme}: style rules in outputs not scoped to .briefing-output: {found['unscoped_rules']}")
        if found["html_outputs_ignored"] != found["html_outputs"]:
            problems.append(f"{theme}: {found['html_outputs'] - found['html_outputs_ignored']} HTML outputs "
                            "without the mathjax_ignore class")
        if not found["rules_in_outputs"]:
            problems.append(f"{theme}: the briefing stylesheet does not reach the outputs")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / ".lab-check")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--theme", choices=("light", "dark", "both"), default="both")
    args = parser.parse_args(argv)
    themes = ("light", "dark") if args.theme == "both" else (args.theme,)
    report = check(args.out, args.port, themes)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    problems = failures(report)
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
