"""analysis/files.py, the one guarded opener, and the rule that every file goes through it.

Each refusal is checked on a real named pipe, link or folder, with a timeout so that a regression
(a plain ``open`` of a FIFO blocks until someone writes) fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import REPO

from analysis import files, schema
from analysis.errors import BriefingsError


def within(seconds: float, call, *args, **kwargs):
    """``call(*args, **kwargs)`` on a thread; fails the test if it has not returned in ``seconds``
    (a blocked open of a FIFO never returns). Returns its result or raises its exception."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{call.__name__} blocked for {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# ------------------------------------------------------------------------------ the opener

def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "datapackage.json"
    os.mkfifo(pipe)
    for call, kwargs in ((files.read_bytes, {"limit": 100}), (files.read_json, {"limit": 100}),
                         (files.open_fd, {"flags": os.O_WRONLY | os.O_APPEND})):  # a log opened for appending
        with pytest.raises(files.FileRefused, match=r"is not a regular file \(a pipe, device or socket\); give a "
                                                    "regular file"):
            within(10, call, pipe, **kwargs)


def test_a_folder_and_a_device_are_refused(tmp_path):
    with pytest.raises(files.FileRefused, match="record is a folder; give a regular file"):
        files.read_bytes(tmp_path, limit=100, what="record")
    with pytest.raises(files.FileRefused, match="is not a regular file"):
        within(10, files.read_bytes, "/dev/zero", limit=100)  # would never end


def test_a_link_is_followed_for_inputs_and_refused_for_outputs(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("a,b\n", "utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert files.read_text(link, limit=100) == "a,b\n"  # an input: its target is opened (O_NOFOLLOW on it)
    with pytest.raises(files.FileRefused, match="link.csv is a symbolic link; the build never writes through links"):
        files.open_fd(link, os.O_WRONLY | os.O_APPEND, follow=False)
    assert target.read_text("utf-8") == "a,b\n"


def test_the_size_is_bounded_before_reading(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"0," * 600 + b"0]")
    with pytest.raises(files.FileRefused, match=r"big.json: manifest is 1,203 bytes; at most 1,000 are read"):
        files.read_json(path, limit=1000, what="manifest")
    assert len(files.read_json(path, limit=2000)) == 601


def test_text_is_utf8_whatever_the_locale(tmp_path):
    path = tmp_path / "reports.yml"
    path.write_bytes("title: Syrië\n".encode("utf-8"))
    code = ("from analysis import files; import sys; "
            f"sys.stdout.buffer.write(files.read_text({str(path)!r}, limit=100).encode('utf-8'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, timeout=60,
                            env={**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == "title: Syrië\n"
    path.write_bytes(b"title: Syri\xeb\n")  # Latin-1
    with pytest.raises(files.FileRefused, match=r"is not UTF-8 text \(byte 0xeb on line 1\); re-save it as UTF-8"):
        files.read_text(path, limit=100, what="configuration file")


@pytest.mark.parametrize("text, message", [
    ("[" * 200_000 + "]" * 200_000, "nested more than 64 levels deep"),  # a RecursionError before
    ("[" * 65 + "]" * 65, "nested more than 64 levels deep"),
    ('{"a": NaN}', "NaN is not a number JSON allows"),
    ('{"a": -Infinity}', "-Infinity is not a number JSON allows"),
])
def test_json_is_bounded_in_nesting_and_finite(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        files.parse_json(text, "x.json")
    assert files.parse_json("[" * 64 + "]" * 64, "x.json") is not None  # the bound itself is allowed


def test_refusals_are_errors_the_user_can_fix():
    assert issubclass(files.FileRefused, BriefingsError) and files.FileRefused.exit_code == 2


# ------------------------------------------------------------------------------ nothing read at import

@pytest.mark.slow
def test_nothing_is_read_at_import_time(tmp_path):
    """A project whose descriptor is a named pipe: every module imports at once (it hung before, as
    analysis.schema read the descriptor on import), and the value lists come from another data
    folder when the command names one."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "reports.yml").write_text("briefings: []\n", "utf-8")
    os.mkfifo(project / "data" / "datapackage.json")
    modules = sorted(f"{p.parent.name}.{p.stem}" for package in ("analysis", "briefings")
                     for p in (REPO / package).glob("*.py") if p.stem not in ("__init__", "__main__"))
    modules += [f"briefings.sections.{p.stem}" for p in (REPO / "briefings" / "sections").glob("*.py")
                if p.stem != "__init__"]
    code = (f"import importlib\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
            "from analysis import paths\nprint(paths.DATA_DIR)\n"
            "from briefings.parameters import SIDES\n"
            "try:\n    list(SIDES)\nexcept Exception as error:\n    print(type(error).__name__, error)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(project / "data")  # the project was found: its pipe is what is read
    # On first use, the pipe is refused (never opened blocking), naming it.
    assert result.stdout.splitlines()[1] == (
        f"SchemaError {project / 'data' / 'datapackage.json'}: data package descriptor is not a regular file (a pipe, "
        "device or socket); give a regular file; the value lists (stages, qualifiers, sides...) are read from it")
    # With another descriptor named (as `--data DIR` does), the lists are read from that one.
    env = {**os.environ, schema.DESCRIPTOR_ENV: str(REPO / "data" / "datapackage.json")}
    result = subprocess.run([sys.executable, "-c", "from briefings.parameters import SIDES; print(list(SIDES))"],
                            cwd=project, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0 and result.stdout.strip() == "['both', 'russia', 'ukraine']", result.stderr


def test_lazy_values_follow_the_descriptor_in_use(tmp_path):
    from analysis.headcounts import STAGES

    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:
        for spec in resource["schema"]["fields"]:
            if (resource["name"], spec["name"]) == ("headcount_claims", "stage"):
                spec["constraints"]["enum"] = ["applied", "trained", "left"]
    edited = tmp_path / "datapackage.json"
    edited.write_text(json.dumps(descriptor), "utf-8")
    project = list(STAGES)
    with schema.using(edited):
        assert STAGES == ["applied", "trained", "left"] and "trained" in STAGES and len(STAGES) == 3
    assert list(STAGES) == project and "trained" not in STAGES  # back to the project's after the block


# ------------------------------------------------------------------------------ every open goes through it

#: Calls that open a file by name, outside analysis/files.py. A call through the guarded opener
#: (files.read_*, an fdopen of a descriptor from files.open_fd / ownership.open_nofollow) and a
#: pandas read of text already read (io.StringIO) do not match.
STRAY = re.compile(r"(?<![\w.])open\(|os\.open\(|(?<!files)\.read_text\(|(?<!files)\.read_bytes\(|\.write_text\("
                   r"|\.write_bytes\(|json\.load\(|read_csv\((?!io\.StringIO)"
                   r"|fdopen\((?!(descriptor|open_nofollow|ownership\.open_nofollow)\b)")

#: (file, text on the line) -> why it may open by name. Libraries that open files by name are
#: listed here too, for the record, though no pattern finds them: Frictionless (the descriptor and
#: CSVs, each checked to be a regular file inside the data folder and read through the opener just
#: before), papermill and nbformat (the notebook, read through the opener at the config check; the
#: executed notebook, written into the worker's own staging folder), Tornado's StaticFileHandler
#: (regular files inside the preview folder), WeasyPrint (data: URLs only).
ALLOWED = {
    ("briefings/cli.py", "os.open(probe"): "the write test of --out: a new name, O_CREAT|O_EXCL|O_NOFOLLOW, "
                                           "closed and removed at once; nothing is read",
    ("briefings/cli.py", "webbrowser.open("): "not a file: shows the preview's address in a browser",
    ("briefings/rendering.py", "CSS_PATH.read_text("): "the package's own stylesheet, installed with the code",
    ("briefings/notebook_css.py", "CSS_PATH.read_text("): "the package's own stylesheet, installed with the code",
    ("briefings/rendering.py", "path.write_text(html"): "a new file in the worker's own staging folder (mkdtemp)",
    ("briefings/rendering.py", "path.write_bytes("): "a new file in the worker's own staging folder (mkdtemp)",
    ("briefings/lifeline.py", 'open(f"/proc/{pid}/stat"'): "the kernel's view of a process, not a project file",
    ("briefings/lifeline.py", 'open(f"/proc/{pid}/environ"'): "the kernel's view of a process (its mark), not a "
                                                             "project file",
    ("analysis/adding.py", "target.write_bytes(content)"): "a copy of the package in a fresh TemporaryDirectory, "
                                                          "to validate it with the new row",
    ("analysis/adding.py", "os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)"): "the data folder itself, held with "
                                                                               "flock; nothing is read",
    ("analysis/adding.py", "os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)"): "a folder, opened to fsync a "
                                                                                  "rename; nothing is read",
    ("analysis/adding.py", 'os.fdopen(handle, "wb")'): "the new file mkstemp made beside the one it replaces",
}


def stray_opens() -> list[str]:
    found = []
    for path in sorted([*(REPO / "analysis").rglob("*.py"), *(REPO / "briefings").rglob("*.py")]):
        relative = path.relative_to(REPO).as_posix()
        if relative == "analysis/files.py":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0] if not line.lstrip().startswith(("'", '"')) else ""
            if STRAY.search(code) and not any(relative == file and text in line for file, text in ALLOWED):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_every_file_the_project_opens_goes_through_the_guarded_opener():
    assert stray_opens() == []


def test_the_stray_open_check_can_fail():
    # The pattern catches each way a file is opened by name, and lets the guarded ones through.
    for line in ['open(path)', 'json.load(handle)', 'path.read_text("utf-8")', 'data.read_bytes()',
                 'out.write_text(text)', 'pd.read_csv(path, dtype=str)', 'os.open(path, os.O_RDONLY)',
                 'os.fdopen(os.open(path, 0))']:
        assert STRAY.search(line), line
    for line in ['files.read_text(path, limit=1)', 'files.read_bytes(path, limit=1)',
                 'pd.read_csv(io.StringIO(text))', 'os.fdopen(open_nofollow(path, flags), "a")', 'opened(x)']:
        assert not STRAY.search(line), line
