"""briefings/sanitize.py: nothing from a notebook can run, fetch or cover the page.

The unit tests check the allow-list's output for each way in; the browser test opens an exported
page in a real headless Chromium with the network watched (every request it makes, and a local
server that counts what reaches it): no request leaves the file, the text is there and visible,
and nothing covers it. The same page unsanitised makes the browser fetch, so the test can fail.
"""

from __future__ import annotations

import http.server
import os
import re
import threading
from pathlib import Path

import pytest

from briefings.sanitize import sanitize_html

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def hostile(base: str) -> dict[str, str]:
    """Markdown, HTML and SVG that try every way to fetch from ``base`` or to cover the page."""
    html = (f'<p style="background:url({base}/style-attribute.png)">paid recruits</p>'
            f'<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:99;background:#fff">overlay'
            f'</div><style>@import url({base}/import.css); main, p {{ display: none }}</style>'
            f'<link rel="stylesheet" href="{base}/link.css"><img src="{base}/img.png">'
            f'<table background="{base}/table.png"><tr><td>cell text</td></tr></table>'
            f'<video poster="{base}/poster.png"></video><object data="{base}/object.svg"></object>'
            f'<img srcset="{base}/srcset.png 1x"><a href="{base}/a-link">a link, not a fetch</a>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="60" height="20">'
           f'<style>@import "{base}/svg-import.css"; main, p, svg {{ display: none }}</style>'
           f'<use href="{base}/use.svg#a"/><use xlink:href="{base}/use-xlink.svg#b"/>'
           f'<image href="{base}/image.png" width="5" height="5"/>'
           f'<rect width="5" height="5" fill="url({base}/fill.svg#g)"/>'
           f'<rect x="10" width="5" height="5" style="fill: url({base}/style-fill.svg#g); stroke: #000"/>'
           f'<text x="20" y="15">chart words</text></svg>')
    markdown = (f'## A heading\n\n<span style="position:fixed;inset:0;background:url({base}/markdown.png)">'
                f'markdown words</span>\n\n![an image]({base}/markdown-image.png)\n\n'
                f'<svg transform="translate(0,-400) scale(30)"><rect width="5" height="5"/></svg>')
    return {"html": html, "svg": svg, "markdown": markdown}


def exported_page(base: str, sanitised: bool = True) -> str:
    """The page briefing_html exports from a notebook carrying :func:`hostile` content (or, with
    ``sanitised=False``, that content pasted as it is, for the control)."""
    import nbformat

    from briefings.rendering import BriefingHTMLExporter

    content = hostile(base)
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(content["markdown"]),
        nbformat.v4.new_code_cell("", outputs=[
            nbformat.v4.new_output("display_data", {"text/html": content["html"]}),
            nbformat.v4.new_output("display_data", {"image/svg+xml": content["svg"]}),
            nbformat.v4.new_output("display_data", {"text/markdown": content["markdown"]}),
        ]),
    ])
    if not sanitised:
        return f"<!DOCTYPE html><html><body><main>{''.join(content.values())}</main></body></html>"
    page, _ = BriefingHTMLExporter(require_briefing=False).from_notebook_node(notebook)
    return page


# ------------------------------------------------------------------------------ the allow-list

@pytest.mark.parametrize("markup, gone, kept", [
    ('<p style="position:fixed;background:url(http://x/a.png)">text</p>', ["style", "url(", "fixed"], "text"),
    ("<style>@import url(http://x/b.css); p{display:none}</style><p>text</p>", ["<style", "@import"], "text"),
    ('<svg><style>@import "http://x/c.css";</style><text>text</text></svg>', ["<style", "@import"], "text"),
    ('<svg><use href="http://x/d.svg#a"/><use href="#local"/><text>text</text></svg>', ["http://x"], "#local"),
    ('<svg><rect fill="url(http://x/e.svg#g)"/><rect fill="url(#g)"/><text>text</text></svg>',
     ["http://x"], 'fill="url(#g)"'),
    ('<svg transform="scale(40)"><g transform="scale(2)"><text>text</text></g></svg>',
     ['svg transform'], 'g transform="scale(2)"'),
    ('<p title="url(http://x/f)" class="note">text</p>', ["http://x"], 'class="note"'),
])
def test_nothing_that_fetches_or_covers_is_kept(markup, gone, kept):
    clean = sanitize_html(markup, svg=markup.startswith("<svg"))
    for text in gone:
        assert text not in clean, clean
    assert kept in clean


def test_plotted_svg_keeps_its_look_as_presentation_attributes():
    # What matplotlib writes: the look is in style attributes; it becomes attributes, unsafe parts dropped.
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0 L 5 5" style="fill: #ffffff; stroke: #000000; '
           'stroke-width: 0.8; stroke-linejoin: miter; position: fixed; fill-opacity: 0.5"/>'
           '<rect fill="red" style="fill: blue"/></svg>')
    clean = sanitize_html(svg, svg=True)
    assert ('<path fill="#ffffff" stroke="#000000" stroke-width="0.8" stroke-linejoin="miter" fill-opacity="0.5" '
            'd="M 0 0 L 5 5"></path>') in clean
    assert "style" not in clean and "position" not in clean
    assert '<rect fill="blue">' in clean  # the style's value wins over the attribute, as in CSS


def test_the_briefings_own_sections_and_charts_carry_no_inline_style():
    # The briefing's stylesheet is the only style: its templates and code write classes, never style="…".
    root = Path(__file__).resolve().parent.parent / "briefings"
    inline = re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=")  # an HTML tag with a style attribute (not linestyle=...)
    offenders = [f"{path.relative_to(root)}: {line.strip()}"
                 for path in [*root.glob("templates/sections/*.j2"), *root.glob("sections/*.py"), root / "charts.py",
                              root / "tables.py", root / "references.py", root / "display.py"]
                 for line in path.read_text("utf-8").splitlines() if inline.search(line)]
    assert offenders == []
    assert inline.search('<p class="x" style="color: red">') and not inline.search('ax.plot(x, linestyle="--")')


# ------------------------------------------------------------------------------ in a real browser

class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server name
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "image/svg+xml")
        self.end_headers()
        self.wfile.write(b"main, p { display: none }" if self.path.endswith(".css")
                         else b'<svg xmlns="http://www.w3.org/2000/svg"/>')

    def log_message(self, *args):
        pass


@pytest.fixture
def chromium_path():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium: .ci/run installs the Debian package 'chromium'")
        pytest.skip("no /usr/bin/chromium here (apt-get install chromium); CI installs it")
    return str(CHROMIUM)


@pytest.fixture
def counting_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    _Counting.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Counting.hits
    finally:
        server.shutdown()
        server.server_close()


def open_in_chromium(path: Path, chromium_path: str) -> dict:
    """Open ``path`` in headless Chromium; returns every request it made, the visible text, and what
    elements are taken out of the flow or drawn outside the content's box."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_timeout(1500)  # anything an @import or a use href starts, started by now
            seen = page.evaluate("""() => {
                const out = [...document.querySelectorAll('body *')].filter(e => {
                    const p = getComputedStyle(e).position; return p === 'fixed' || p === 'absolute' || p === 'sticky';
                }).map(e => e.tagName.toLowerCase());
                const hidden = [...document.querySelectorAll('main, main p')].filter(e =>
                    getComputedStyle(e).display === 'none' || getComputedStyle(e).visibility === 'hidden').length;
                // Drawn outside the content's own box (a transform moves an element without taking it out of the flow).
                const main = document.querySelector('main') || document.body, box = main.getBoundingClientRect();
                const escaped = [...main.querySelectorAll('*')].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width && (r.top < box.top - 2 || r.left < box.left - 2 || r.right > box.right + 2
                                       || r.bottom > box.bottom + 2);
                }).map(e => e.tagName.toLowerCase());
                return {out, hidden, escaped, text: document.body.innerText};
            }""")
        finally:
            browser.close()
    return {"requests": requests, **seen}


@pytest.mark.browser
def test_an_exported_page_fetches_nothing_shows_its_text_and_nothing_covers_it(tmp_path, chromium_path,
                                                                                 counting_server):
    base, hits = counting_server
    path = tmp_path / "page.html"
    path.write_text(exported_page(base), "utf-8")
    found = open_in_chromium(path, chromium_path)
    assert [url for url in found["requests"] if url != path.as_uri()] == []  # no request leaves the file
    assert hits == []
    for words in ("paid recruits", "cell text", "chart words", "markdown words", "A heading", "a link, not a fetch"):
        assert words in found["text"]  # not blank: the text is there and shown
    assert found["hidden"] == 0  # nothing hidden
    assert found["out"] == [] and found["escaped"] == []  # nothing over the page, nothing drawn outside its place


@pytest.mark.browser
def test_the_browser_check_fails_on_an_unsanitised_page(tmp_path, chromium_path, counting_server):
    # The control: the same content, not sanitised, makes Chromium fetch and cover, so the test above can fail.
    base, hits = counting_server
    path = tmp_path / "raw.html"
    path.write_text(exported_page(base, sanitised=False), "utf-8")
    found = open_in_chromium(path, chromium_path)
    assert [url for url in found["requests"] if url.startswith(base)] and hits
    assert found["out"] and found["hidden"]  # an overlay, and the text hidden by a fetched stylesheet
    moved = tmp_path / "moved.html"
    moved.write_text('<!DOCTYPE html><html><body><main><p>text</p><svg transform="translate(0,-400) scale(30)">'
                     '<rect width="5" height="5"/></svg></main></body></html>', "utf-8")
    assert open_in_chromium(moved, chromium_path)["escaped"] == ["svg", "rect"]  # drawn over the page
