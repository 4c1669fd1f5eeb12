"""All project paths in one place, rooted at the repository; the CLI can override each."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
REPORTS_DIR = REPO_ROOT / "reports"
CONFIG_FILE = REPO_ROOT / "reports.yml"
DESCRIPTOR_NAME = "datapackage.json"
