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
import time
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


def _edit_largest_claim(data_dir: Path, people: int) -> None:
    """Set H059's figure (about 15,000 North Koreans, the largest count to date, which page 1 prints)
    to ``people`` (both bounds), keeping the file valid. A row only the data annex lists would not show."""
    path = data_dir / "headcount_claims.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0])
    largest = next(row for row in rows if row["claim_id"] == "H059")
    largest["people_low"] = largest["people_high"] = str(people)
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


@pytest.mark.browser
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
                _edit_largest_claim(root / "data", 41234)
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


# ------------------------------------------------------------------------------ what the server answers (issue 21)

@pytest.fixture
def served(tmp_path):
    """The preview's web application over a folder of pages, on 127.0.0.1, without building anything:
    yields (the preview folder, its port)."""
    import asyncio
    import socket

    import tornado.httpserver
    import tornado.netutil

    from briefings.preview import Preview

    out = tmp_path / ".preview"
    (out / "live").mkdir(parents=True)
    preview = Preview("live", [], out, {"data": tmp_path, "notebook": tmp_path / "n.ipynb",
                                        "config": tmp_path / "reports.yml"})
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    preview.port = sockets[0].getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)

        async def start():
            tornado.httpserver.HTTPServer(preview._app()).add_sockets(sockets)
            started.set()

        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(30)
    try:
        yield out, preview.port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


def _get(port: int, path: str, host: str | None = None) -> tuple[int, str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


@pytest.mark.parametrize("host", ["attacker.example:{port}", "127.0.0.1.nip.io:{port}", "127.0.0.1:1", "localhost"])
def test_preview_answers_only_requests_addressed_to_it(served, host):
    out, port = served
    (out / "live" / "live.html").write_text("<html><body><p>the briefing</p></body></html>", "utf-8")
    (out / "live" / "live.csv").write_text("a,b\n", "utf-8")
    for allowed in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert _get(port, "/live/live.html", allowed) == (200, _get(port, "/live/live.html")[1])
    # DNS rebinding: a page elsewhere whose name now resolves to 127.0.0.1 (served it before).
    for path in ("/live/live.html", "/live/live.csv", "/_preview/events", "/"):
        status, body = _get(port, path, host.format(port=port))
        assert status == 403 and "the briefing" not in body and "a,b" not in body
        assert f"This preview answers only http://127.0.0.1:{port}/" in body


def test_preview_says_when_a_page_is_not_utf8(served, capfd):
    out, port = served
    (out / "live" / "live.html").write_bytes(b"<html><body><p>Newsw\xe9ek</p></body></html>")  # Latin-1
    status, body = _get(port, "/live/live.html")
    # A 500 with a traceback on the console before.
    assert status == 500 and "Cannot show live/live.html: page is not UTF-8 text (byte 0xe9 on line 1)" in body
    assert "Traceback" not in capfd.readouterr().err


def test_preview_out_that_is_a_file(tmp_path):
    root = copy_inputs(tmp_path / "project")
    write_config(root, [{"name": "live", "parameters": {"title": "Live preview check"}}])
    (root / "taken").write_text("my notes", "utf-8")
    result = subprocess.run([sys.executable, "-m", "briefings.cli", "preview", "live", "--out", "taken"], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr  # blamed "127.0.0.1:0" before
    assert ("error: --out taken: is a file, not a folder; the preview writes its builds into a folder: choose another "
            "--out (or remove the file)") in result.stderr
    assert (root / "taken").read_text("utf-8") == "my notes" and "127.0.0.1" not in result.stderr


# ------------------------------------------------------------------------------ the banner, editors' files, Ctrl-C (issue 20)

def _set_people_low(data_dir: Path, line: int, value: str) -> tuple[str, str]:
    """Set people_low on ``line`` of headcount_claims.csv (the header is line 1); returns the file's text
    before and after."""
    path = data_dir / "headcount_claims.csv"
    before = path.read_text("utf-8")
    rows = list(csv.reader(before.splitlines()))
    rows[line - 1][rows[0].index("people_low")] = value
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return before, buffer.getvalue()


def _first_state(port: int):
    """Open the page's event stream; returns (the open connection, the first state it was sent)."""
    import http.client
    import json

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/_preview/events")
    response = connection.getresponse()
    for raw in response:
        line = raw.decode("utf-8").strip()
        if line.startswith("data: "):
            return connection, json.loads(line[len("data: "):])
    raise AssertionError("the event stream ended without a state")


def test_editor_temporary_files_are_not_changes(tmp_path):
    from briefings.preview import Preview

    data = tmp_path / "data"
    data.mkdir()
    preview = Preview("live", [], tmp_path / ".preview", {"data": data, "notebook": tmp_path / "briefing.ipynb",
                                                          "config": tmp_path / "reports.yml"})
    for name in (".#headcount_claims.csv", "#headcount_claims.csv#", "headcount_claims.csv~", ".headcount_claims.csv.swp",
                 ".headcount_claims.csv.swx", "4913", ".~lock.headcount_claims.csv#", "headcount_claims.csv.tmp",
                 "headcount_claims.csv.AbC123", "notes.txt"):
        assert not preview._relevant(data / name), name
    for path in (data / "headcount_claims.csv", data / "datapackage.json", tmp_path / "briefing.ipynb",
                 tmp_path / "reports.yml"):
        assert preview._relevant(path), path


def test_a_save_written_in_parts_is_waited_for(tmp_path):
    import asyncio

    from briefings.preview import SETTLE_SECONDS, Preview

    path = tmp_path / "headcount_claims.csv"
    path.write_text("", "utf-8")
    parts = [f"part {n}\n" for n in range(5)]

    async def write_in_parts():
        for part in parts:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(part)
            await asyncio.sleep(SETTLE_SECONDS / 2)  # closer together than the settling time

    async def main():
        writer = asyncio.create_task(write_in_parts())
        await asyncio.sleep(0.01)
        await Preview._settled({path})
        done = writer.done()
        await writer
        return done, path.read_text("utf-8")

    done, seen = asyncio.run(main())
    assert done and seen == "".join(parts)


@pytest.mark.slow
def test_bad_data_banner_names_the_place_and_ctrl_c_stops_cleanly(tmp_path):
    root = copy_inputs(tmp_path / "project")
    write_config(root, [{"name": "live", "parameters": {"title": "Live preview check", "focus": "headcounts"}}])
    good, bad = _set_people_low(root / "data", 4, "abc")
    (root / "data" / "headcount_claims.csv").write_text(bad, "utf-8")
    log_path = tmp_path / "preview.log"
    log = open(log_path, "w", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "briefings.cli", "preview", "live"], cwd=root,
                               stdout=subprocess.PIPE, stderr=log, text=True)
    connection = None
    try:
        url = _Lines(process.stdout).wait_for("serving ").split()[1]
        port = int(url.split(":")[2].split("/")[0])
        connection, state = _first_state(port)
        # Line 4 of the file (the header is line 1) holds 'abc' where the schema wants an integer.
        assert state["error"].splitlines() == [
            "data invalid: 1 problem(s); nothing was built",
            "  - headcount_claims.csv row 4, column people_low (value 'abc'): not a valid integer; write it as "
            "digits only, e.g. 40000"]
        # Editors' files beside the data are no change: no second build.
        for name in (".#headcount_claims.csv", "headcount_claims.csv~", ".headcount_claims.csv.swp", "4913"):
            (root / "data" / name).write_text(bad, "utf-8")
        time.sleep(3)
        assert log_path.read_text("utf-8").count("preview: building") == 1
    finally:
        process.send_signal(signal.SIGINT)  # with the page's event stream open
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        log.close()
        if connection is not None:
            connection.close()
    said = log_path.read_text("utf-8")
    assert code == 130, said
    assert "Cannot send error response" not in said and "Traceback" not in said and "Task was destroyed" not in said
