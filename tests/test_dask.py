"""The Dask path: the same work sent to a real dask.distributed LocalCluster gives the same briefings."""

from __future__ import annotations

import re

import distributed
import pytest
from helpers import copy_inputs, run_briefings, write_config

# What legitimately differs between two builds of the same inputs: when they were generated.
_TIMESTAMPS = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\+00:00|Z)?( UTC)?|Generated [^<]*")


def normalised(html: str) -> str:
    return _TIMESTAMPS.sub("<time>", html)


@pytest.mark.cluster
@pytest.mark.slow
def test_dask_cluster_builds_the_same_briefings_as_local_processes(tmp_path):
    root = copy_inputs(tmp_path / "project")
    config = write_config(root, [
        {"name": "march", "parameters": {"title": "March 2022", "as_of": "2022-03-31"}},
        {"name": "syria", "parameters": {"title": "Syria", "origins": ["Syria"], "focus": "headcounts"}},
    ])
    local = run_briefings("build", "--config", config, "--data", root / "data", "--out", root / "local")
    assert local.returncode == 0, local.stderr

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_briefings("build", "--config", config, "--data", root / "data", "--out", root / "dask",
                               "--dask-scheduler", cluster.scheduler_address)
    assert remote.returncode == 0, remote.stderr
    assert "dask scheduler tcp://" in remote.stderr

    for name in ("march", "syria"):
        produced_locally = (root / "local" / name / f"{name}.html").read_text("utf-8")
        produced_on_dask = (root / "dask" / name / f"{name}.html").read_text("utf-8")
        # A real briefing, not an empty page: page 1's judgements, with SOHR's figures for Syria.
        assert "Key judgements" in produced_locally and "SOHR" in produced_locally
        assert normalised(produced_on_dask) == normalised(produced_locally)
