"""``briefings preview``: build one briefing, serve it on 127.0.0.1, rebuild on change, reload.

* **Build.** Each build is the real ``briefings build NAME`` in a fresh process, into a preview
  folder of its own (``.preview/`` in the project by default, never ``reports/``), so it is
  incremental (a change the briefing does not read rebuilds nothing), atomic (a failed build
  keeps the last good page) and sees edits to the ``analysis`` package as well as to the data.
* **Watch.** :mod:`watchfiles` watches the data folder, the briefing's notebook, the config file
  and the ``analysis`` package (code, templates, stylesheet); a burst of saves is one rebuild.
* **Serve.** :mod:`tornado` serves the preview folder on 127.0.0.1 only, and only to requests
  addressed to it (``Host: 127.0.0.1:<port>`` or ``localhost:<port>``): a web page elsewhere
  whose name is made to resolve to 127.0.0.1 (DNS rebinding) gets 403, not the briefing. Each
  HTML page is sent with a small script that listens to ``/_preview/events`` (server-sent
  events) and reloads the page when a build changed it, or shows the build's error in a banner
  when it failed. Pages are read through the guarded opener; one that is not UTF-8 is answered
  with a message, not a traceback.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import logging
import os
import re
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis import files

log = logging.getLogger("briefings")
#: The largest page the preview reads (a briefing's HTML, charts inlined, is under a megabyte).
MAX_PAGE_BYTES = 256 * files.MB

EVENTS_PATH = "/_preview/events"
from .build import CODE_ROOTS
from .lifeline import PARENT_ENV
PACKAGE_SUFFIXES = {".py", ".j2", ".css", ".json"}
#: What the build reads from the data folder: the descriptor and its tables.
DATA_SUFFIXES = {".csv", ".json"}
#: Editors' temporary files, never a change to build: Emacs's .#x lock and #x# auto-save, vim's
#: .x.swp and the 4913 file it writes to test a folder, x~ backups, LibreOffice's .~lock.x#, and
#: the temporary names editors and tools write to before renaming over the real file.
_TEMPORARY = re.compile(r"^(?:[.#~].*|.*[~#]|4913|.*\.(?:sw[a-p]|swx|tmp|temp|bak|orig|part|crdownload)"
                        r"|.*\.(?:csv|json|ipynb|yml|yaml)\.[A-Za-z0-9_-]{4,})$", re.I)
#: How long a changed file must stay the same before it is built (a save written in several parts).
SETTLE_SECONDS = 0.25
#: The banner shows at most this many lines of a failed build's errors (the terminal has them all).
BANNER_LINES = 12
_LOG_ERROR = re.compile(r"^(?:\d\d:\d\d:\d\d )?(?:ERROR|CRITICAL) ?(.*)$")


def failure_message(lines: list[str], code: int) -> str:
    """What the banner says of a failed build: the build's error lines, times and levels left out
    (for bad data: the count, then each problem with its file, row, column, value and the rule it
    breaks), at most BANNER_LINES of them; otherwise its last line."""
    said = []
    for line in lines:
        found = _LOG_ERROR.match(line)
        if found:
            said.append(found.group(1))
        elif line.startswith("error:") or "FAILED" in line:
            said.append(line)
    said = said or lines[-1:] or [f"exit code {code}"]
    if len(said) > BANNER_LINES:
        said = said[:BANNER_LINES] + [f"… and {len(said) - BANNER_LINES} more lines in the terminal"]
    return "\n".join(said)

_SCRIPT = """<script>/* briefings preview: reload when a rebuild changes this page */
(function () {
  var shown = %(version)d, banner = null;
  function say(text, colour) {
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "briefings-preview-banner";
      banner.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:9999;padding:.5em 1em;" +
        "font:14px sans-serif;color:#fff;white-space:pre-wrap";
      document.body.appendChild(banner);
    }
    banner.textContent = text; banner.style.background = colour; banner.hidden = !text;
  }
  var events = new EventSource("%(events)s");
  events.addEventListener("state", function (message) {
    var state = JSON.parse(message.data);
    if (state.version !== shown) { location.reload(); return; }
    if (state.building) say("Rebuilding\\u2026", "#555");
    else if (state.error) say("Build failed, showing the last good version:\\n" + state.error, "#a00");
    else say("", "");
  });
})();
</script>"""

_WAITING = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Preview: %(name)s</title></head>
<body style="font-family:sans-serif;margin:2rem"><h1>%(name)s</h1><p>%(message)s</p></body></html>"""


#: The message that ends an event stream.
CLOSED = object()


@dataclass
class State:
    """What the pages are told: the output's version (bumped when a build changed it), and
    whether a build is running or the last one failed."""

    version: int = 0
    building: bool = False
    error: str = ""
    listeners: set = field(default_factory=set)

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "building": self.building, "error": self.error})

    def publish(self) -> None:
        for queue in list(self.listeners):
            queue.put_nowait(self.as_json())

    def close(self) -> None:
        """Tell every open event stream to end (the preview is stopping)."""
        for queue in list(self.listeners):
            queue.put_nowait(CLOSED)


@dataclass
class Preview:
    """One briefing's live preview; :meth:`run` serves until stopped."""

    name: str  # the folder under out_dir (the briefing's name, or <name>--custom-<hash> with -P)
    build_args: list[str]  # the arguments of `briefings build` that make it
    out_dir: Path
    watched: dict  # "data", "notebook", "config": paths; the package is always watched
    port: int = 0
    state: State = field(default_factory=State)

    @property
    def page(self) -> Path:
        return self.out_dir / self.name / f"{self.name}.html"

    # ------------------------------------------------------------------ building

    def _fingerprint(self) -> str:
        try:
            return hashlib.sha256(files.read_bytes(self.page, limit=MAX_PAGE_BYTES, follow=False)).hexdigest()
        except OSError:
            return ""

    async def build(self, reason: str) -> None:
        """Run ``briefings build`` once; bump the version when the page changed."""
        self.state.building = True
        self.state.publish()
        before = self._fingerprint()
        started = time.monotonic()
        log.info("preview: building %s (%s)", self.name, reason)
        # The build dies with this process however it dies (kill -9 included), and its workers and
        # kernels with it: nothing writes into the preview folder after the preview is gone.
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "briefings.cli", "build", *self.build_args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, PARENT_ENV: str(os.getpid())})
        lines = []
        try:
            async for raw in process.stdout:
                line = raw.decode("utf-8", "replace").rstrip()
                lines.append(line)
                print(f"  | {line}", file=sys.stderr, flush=True)
            code = await process.wait()
        finally:
            if process.returncode is None:
                process.terminate()
                await process.wait()
        self.state.building = False
        if code == 0:
            self.state.error = ""
        else:
            self.state.error = failure_message(lines, code)
        changed = self._fingerprint() != before
        if changed:
            self.state.version += 1
        log.info("preview: %s in %.1f s%s", "built" if code == 0 else f"build failed (exit {code})",
                 time.monotonic() - started, "; open pages reload" if changed and reason != "first build" else
                 "" if changed or code else "; the page did not change")
        self.state.publish()

    # ------------------------------------------------------------------ watching

    def _relevant(self, path: Path) -> bool:
        if "__pycache__" in path.parts or _TEMPORARY.match(path.name):
            return False
        data, notebook, config = (self.watched[k].resolve() for k in ("data", "notebook", "config"))
        return (path == notebook or path == config or (path.is_relative_to(data) and path.suffix in DATA_SUFFIXES)
                or (any(path.is_relative_to(root) for root in CODE_ROOTS) and path.suffix in PACKAGE_SUFFIXES))

    @staticmethod
    async def _settled(paths: set[Path], limit: float = 10.0) -> None:
        """Wait until none of ``paths`` has changed size or time for SETTLE_SECONDS (a save written
        in parts is built once, whole), or ``limit`` seconds have passed."""

        def stats():
            found = {}
            for path in paths:
                try:
                    status = path.stat()
                    found[path] = (status.st_size, status.st_mtime_ns)
                except OSError:
                    found[path] = None
            return found

        deadline, last = time.monotonic() + limit, stats()
        while time.monotonic() < deadline:
            await asyncio.sleep(SETTLE_SECONDS)
            now = stats()
            if now == last:
                return
            last = now

    async def _watch(self, changes: asyncio.Queue, stop: asyncio.Event) -> None:
        from watchfiles import awatch

        recursive = {self.watched["data"].resolve(), *CODE_ROOTS}
        flat = {self.watched["notebook"].resolve().parent, self.watched["config"].resolve().parent} - recursive

        async def follow(paths, is_recursive):
            async for batch in awatch(*paths, recursive=is_recursive, stop_event=stop,
                                      watch_filter=lambda change, path: self._relevant(Path(path).resolve())):
                await changes.put({Path(path) for _, path in batch})

        await asyncio.gather(follow(sorted(recursive), True), follow(sorted(flat), False))

    # ------------------------------------------------------------------ serving

    def _app(self):
        import tornado.iostream
        import tornado.web

        preview = self

        class Local(tornado.web.RequestHandler):
            """Answers only requests addressed to this server by its own name (no DNS rebinding)."""

            def prepare(self):
                allowed = {f"127.0.0.1:{preview.port}", f"localhost:{preview.port}"}
                if self.request.host.lower() not in allowed:
                    self.set_status(403)
                    self.set_header("Content-Type", "text/plain; charset=utf-8")
                    self.finish(f"This preview answers only http://127.0.0.1:{preview.port}/ "
                                f"(the request was addressed to {self.request.host[:100]!r}).\n")

        class Events(Local):
            async def get(self):
                self.set_header("Content-Type", "text/event-stream")
                self.set_header("Cache-Control", "no-store")
                queue: asyncio.Queue = asyncio.Queue()
                preview.state.listeners.add(queue)
                try:
                    message = preview.state.as_json()
                    while message is not CLOSED:
                        self.write(f"event: state\ndata: {message}\n\n" if message else ": keep-alive\n\n")
                        await self.flush()
                        try:
                            message = await asyncio.wait_for(queue.get(), timeout=15)
                        except asyncio.TimeoutError:
                            message = None
                except (tornado.iostream.StreamClosedError, asyncio.CancelledError):
                    # The page went away, or the preview is stopping: end quietly (an error response
                    # after the stream's headers is what Tornado complained of on Ctrl-C).
                    pass
                finally:
                    preview.state.listeners.discard(queue)

        class Page(Local):
            def get(self, path: str = ""):
                if not path:
                    if preview.page.is_file():
                        return self.redirect(f"/{preview.name}/{preview.page.name}")
                    return self._send(_WAITING % {"name": html.escape(preview.name), "message": html.escape(
                        preview.state.error or "Building the first version; this page reloads when it is ready.")})
                target = (preview.out_dir / path).resolve()
                if not target.is_relative_to(preview.out_dir.resolve()) or not target.is_file():
                    raise tornado.web.HTTPError(404)
                try:
                    page = files.read_text(target, limit=MAX_PAGE_BYTES, what="page")
                except OSError as error:  # not UTF-8, not a regular file, too large: said, not a traceback
                    log.warning("preview: cannot show %s: %s", path, error)
                    self.set_status(500)
                    return self._send(_WAITING % {"name": html.escape(preview.name), "message": html.escape(
                        f"Cannot show {path}: {str(error).removeprefix(f'{target}: ')}")})
                self._send(page)

            def _send(self, page: str):
                script = _SCRIPT % {"version": preview.state.version, "events": EVENTS_PATH}
                at = page.lower().rfind("</body>")
                page = page[:at] + script + page[at:] if at >= 0 else page + script
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.write(page)

        class Files(Local, tornado.web.StaticFileHandler):
            # Tornado opens these files itself (allowed in tests/test_files.py): it serves regular
            # files only, from inside the preview folder.
            def set_extra_headers(self, path):
                self.set_header("Cache-Control", "no-store")

        return tornado.web.Application([
            (EVENTS_PATH, Events),
            (r"/", Page),
            (r"/(.+\.html)", Page),
            (r"/(.+)", Files, {"path": str(self.out_dir)}),
        ])

    async def run(self, on_ready=None) -> int:
        """Serve and rebuild until SIGINT/SIGTERM; returns the signal number that stopped it."""
        import tornado.httpserver
        import tornado.netutil

        self.out_dir.mkdir(parents=True, exist_ok=True)
        sockets = tornado.netutil.bind_sockets(self.port, "127.0.0.1", family=socket.AF_INET)
        server = tornado.httpserver.HTTPServer(self._app())
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        stop, stopped_by = asyncio.Event(), []
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, lambda s=signum: (stopped_by.append(s), stop.set()))
        changes: asyncio.Queue = asyncio.Queue()
        watcher = asyncio.create_task(self._watch(changes, stop))
        try:
            await _unless(self.build("first build"), stop)
            if on_ready and not stop.is_set():
                on_ready(f"http://127.0.0.1:{self.port}/")
            while not stop.is_set():
                paths = await _unless(changes.get(), stop)
                if paths is None:
                    break
                await self._settled(paths)
                while not changes.empty():  # saves made during the last build: one more build
                    paths |= changes.get_nowait()
                await _unless(self.build("changed: " + ", ".join(sorted(_short(p) for p in paths))), stop)
        finally:
            stop.set()
            server.stop()
            self.state.close()
            for _ in range(20):  # let the event streams end their responses (a second at most)
                if not self.state.listeners:
                    break
                await asyncio.sleep(0.05)
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        return stopped_by[0] if stopped_by else signal.SIGINT


async def _unless(coroutine, stop: asyncio.Event):
    """Await ``coroutine`` unless ``stop`` is set first (then cancel it: a running build is
    stopped, and cleans up after itself); returns its result, or None when stopped."""
    task, stopping = asyncio.create_task(coroutine), asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return None
    return task.result()


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
