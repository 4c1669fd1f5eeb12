"""`briefings preview` in a real headless Chromium: the page reloads with new content after a
datum is edited in the project (a temporary copy), served on 127.0.0.1 only."""

from __future__ import annotations

import csv
import os
import queue
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import copy_inputs, write_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def chromium_path():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium: .ci/run installs the Debian package 'chromium'")
        pytest.skip("no /usr/bin/chromium here (apt-get install chromium); CI installs it")
    return str(CHROMIUM)


def _edit_first_claim(data_dir: Path, people: int) -> None:
    """Set the first headcount claim's figure to ``people`` (both bounds), keeping the file valid."""
    path = data_dir / "headcount_claims.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    rows[0]["people_low"] = rows[0]["people_high"] = str(people)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


class _Lines:
    """The preview's stdout, line by line, read on a thread so a hung process cannot hang the test."""

    def __init__(self, stream):
        self.queue: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self.queue.put(line) for line in stream], daemon=True).start()

    def wait_for(self, prefix: str, limit: float = 300) -> str:
        while True:
            line = self.queue.get(timeout=limit)
            if line.startswith(prefix):
                return line.strip()


def test_preview_reloads_the_page_after_a_data_edit(tmp_path, chromium_path):
    from playwright.sync_api import sync_playwright

    root = copy_inputs(tmp_path / "project")
    write_config(root, [{"name": "live", "parameters": {"title": "Live preview check", "focus": "headcounts"}}])
    log = open(tmp_path / "preview.log", "w", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "briefings.cli", "preview", "live"], cwd=root,
                               stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        url = _Lines(process.stdout).wait_for("serving ").split()[1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/live/live.html")
        assert (root / ".preview" / "live" / "live.html").is_file() and not (root / "reports").exists()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page()
                page.goto(url)
                assert "Live preview check" in page.title()
                assert "41,234" not in page.inner_text("body")
                page.evaluate("window.loadedBeforeTheEdit = true")
                _edit_first_claim(root / "data", 41234)
                # The page reloads by itself (a new document has no marker) and shows the new datum.
                page.wait_for_function("() => window.loadedBeforeTheEdit === undefined"
                                       " && document.body.innerText.includes('41,234')", timeout=240_000)
                page.screenshot(path=str(tmp_path / "after-reload.png"))
            finally:
                browser.close()
        port = url.split(":")[2].split("/")[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/%2e%2e/reports.yml", timeout=30)
        assert refused.value.code in (403, 404)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        log.close()
    assert code == 130, (tmp_path / "preview.log").read_text("utf-8")
