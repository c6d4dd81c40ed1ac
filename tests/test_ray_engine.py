"""`analyze --engine ray`: the local engine's answer on a local Ray, on two nodes, and with a reading actor killed.

Each test starts its own small Ray (2 CPUs, no dashboard, no usage stats) and stops it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the Ray engine needs the 'ray' extra")

from bench.ray_scale import answer, answer_differences, ecbplus_jsonl, whole_topics  # noqa: E402
from storylens.pipeline import dossier_from_store, run  # noqa: E402
from storylens.ray_engine import RayOptions, run_on_ray  # noqa: E402
from storylens.settings import Settings  # noqa: E402
from storylens.store import Store  # noqa: E402

# Ray warns about its own deprecated settings when it copies its context; those are not ours.
# Ray Data's own log handler may leave its session log file to the garbage collector: a warning
# about Ray's files, not ours (it comes and goes with timing).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray"),
    pytest.mark.filterwarnings("ignore:unclosed file .*ray/session_:ResourceWarning"),
    pytest.mark.filterwarnings("ignore:Exception ignored in.*ray/session_:pytest.PytestUnraisableExceptionWarning"),
]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


# Whole ECB+ topics (every fourth): 225 articles, with dates read from their texts over five
# years, copies with words changed, and stories that mix two events of one kind. All 982
# articles are compared by `python -m bench.ray_scale --same-answer`.
ECBPLUS_TOPICS = frozenset(range(3, 46, 4))


def run_examples(tmp_path: Path, options: RayOptions):
    with Store(tmp_path / "storylens.db") as store:
        summary = run_on_ray(store, [str(EXAMPLES)], Settings(), options)
        dossier = dossier_from_store(store)
        placed = [a for members in store.story_members().values() for a, _ in members]
        read = store.read_article_ids()
    return summary, dossier, placed, read


@pytest.fixture
def local_ray():
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_engine_gives_the_local_answer_on_the_examples_and_a_rerun_stores_nothing_twice(
        local_ray, examples_dossier, tmp_path):
    summary, dossier, _, _ = run_examples(tmp_path, RayOptions(workers=2))
    assert answer(dossier) == answer(examples_dossier)
    assert summary.new == len(examples_dossier["articles"])
    assert any(s["conflicts"] for s in dossier["stories"])  # the comparison ran, not only the clustering
    again, dossier, _, _ = run_examples(tmp_path, RayOptions(workers=2))
    assert again.new == 0 and again.already_stored == again.seen == summary.seen
    assert answer(dossier) == answer(examples_dossier)


def test_ray_engine_gives_the_local_answer_on_whole_ecbplus_topics(local_ray, models, ecbplus_path, tmp_path):
    import json

    lines = ecbplus_path.read_text(encoding="utf-8").splitlines()
    rows = whole_topics([json.loads(line) for line in lines if line.strip()], set(ECBPLUS_TOPICS))
    corpus = ecbplus_jsonl(rows, tmp_path / "ecbplus.jsonl")
    dossiers = {}
    with Store(tmp_path / "local.db") as store:
        run(store, [str(corpus)], Settings(), models)
        dossiers["local"] = dossier_from_store(store)
    with Store(tmp_path / "ray.db") as store:
        run_on_ray(store, [str(corpus)], Settings(), RayOptions(workers=2))
        dossiers["ray"] = dossier_from_store(store)
    local = answer(dossiers["local"])
    assert len(local["articles"]) == len(rows) and len(local["stories"]) >= len(ECBPLUS_TOPICS)
    assert any(status == "duplicate" for _, status, _ in local["articles"])
    assert answer_differences(dossiers["local"], dossiers["ray"]) == []
    assert answer(dossiers["ray"]) == local


def test_an_input_cut_into_blocks_of_days_places_every_article_once_and_compares_every_story(
        local_ray, ecbplus_path, tmp_path, monkeypatch):
    import json

    from storylens.ray_engine import run as ray_run

    plans = []
    planned = ray_run.plan_blocks
    monkeypatch.setattr(ray_run, "plan_blocks", lambda *args: plans.append(planned(*args)) or plans[-1])
    from bench.ray_scale import synthetic_archive

    lines = ecbplus_path.read_text(encoding="utf-8").splitlines()
    rows = whole_topics([json.loads(line) for line in lines if line.strip()], {3, 7})
    # Three copies of two topics, three weeks apart: blocks of a copy's size or more make several blocks.
    synthetic_archive(rows, 3 * len(rows), tmp_path / "archive.jsonl")
    with Store(tmp_path / "ray.db") as store:
        run_on_ray(store, [str(tmp_path / "archive.jsonl")], Settings(),
                   RayOptions(workers=2, block_articles=len(rows) // 2))
        placed = [a for members in store.story_members().values() for a, _ in members]
        ok = [a.id for a in store.articles(status="ok")]
        dossiers = {d["id"] for d in store.story_dossiers()}
        stories = set(store.story_members())
    assert len(plans) == 1 and plans[0].starts  # two blocks or more
    assert sorted(placed) == sorted(ok) and len(ok) > 2 * len(rows)
    assert dossiers == stories and len(stories) > 3


def test_a_run_stopped_after_storing_its_articles_is_finished_by_the_next_with_the_local_answer(
        local_ray, examples_dossier, tmp_path):
    from storylens.pipeline import ingest_into

    with Store(tmp_path / "storylens.db") as store:
        ingest_into(store, [str(EXAMPLES)], Settings())  # stored, then stopped: nothing read or placed
    summary, dossier, placed, read = run_examples(tmp_path, RayOptions(workers=2))
    assert summary.new == 0 and summary.already_stored == summary.seen
    ok = sorted(a["id"] for a in examples_dossier["articles"] if a["status"] == "ok")
    assert sorted(placed) == ok and sorted(read) == ok
    assert answer(dossier) == answer(examples_dossier)


def test_a_job_on_a_two_node_cluster_uses_both_nodes_and_gives_the_local_answer(examples_dossier, tmp_path):
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, log_to_driver=False)
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2
        summary, dossier, _, _ = run_examples(tmp_path, RayOptions(workers=2))
        assert len(summary.nodes) == 2  # articles were read or stories compared on both nodes
        assert answer(dossier) == answer(examples_dossier)
    finally:
        ray.shutdown()
        cluster.shutdown()


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _kill_first_reading_actor(killed: list[int], stop: threading.Event) -> None:
    """SIGKILL the first reading actor of this process's Ray once it has run for a second."""
    first_seen: dict[int, float] = {}
    while not stop.is_set() and not killed:
        for pid in _descendants(os.getpid()):
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"ReadingWorker" in title:
                if time.monotonic() - first_seen.setdefault(pid, time.monotonic()) > 1.0:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
        time.sleep(0.2)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the actor's process in /proc")
def test_a_reading_actor_killed_mid_run_loses_and_duplicates_no_article(local_ray, examples_dossier, tmp_path):
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_first_reading_actor, args=(killed, stop), daemon=True)
    killer.start()
    try:
        _, dossier, placed, read = run_examples(tmp_path, RayOptions(workers=2))
    finally:
        stop.set()
        killer.join()
    assert killed, "no reading actor was running to be killed"
    ok = sorted(a["id"] for a in examples_dossier["articles"] if a["status"] == "ok")
    assert sorted(placed) == ok and sorted(read) == ok  # each once: none lost, none twice
    assert answer(dossier) == answer(examples_dossier)
