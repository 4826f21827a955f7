"""A corpus of hostile workbooks and tampered plan files, built from the samples at test time:
each is refused with a message naming where, nothing aborts, the open plan and the file stay as
they were, and all of it runs in a child process under a hard memory limit (RLIMIT_AS), so a
library that tried to allocate for a crafted file would fail the test instead of the machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hostile_corpus import SAMPLE, export_sample, plan_cases, workbook_cases

TESTS = Path(__file__).resolve().parent
MEMORY_LIMIT = 1536 << 20
"""1.5 GiB of address space for the child: the planner with numpy and the samples needs about
0.9 GiB; the old reader asked for 512 GiB on one of these files and 8.4 GB on the zip bomb."""
HANG_GUARD = 240  # seconds for the whole corpus: a hang, not a benchmark

RUNNER = r"""
import json, resource, sys, time
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.path.insert(0, sys.argv[2])
from plan_helpers import snapshot
from vivim_planner.excel import WorkbookError, import_command
from vivim_planner.storage import PlanDocument, PlanFileError

job = json.load(open(sys.argv[3]))
out = []
doc = PlanDocument.open(job["open_plan"])
before = snapshot(doc.plan)
for name, path in job["workbooks"]:
    t = time.perf_counter()
    try:
        import_command(doc.plan, path)
        result = {"refused": False, "message": "imported"}
    except WorkbookError as e:
        result = {"refused": True, "message": str(e)}
    except BaseException as e:  # anything else is a crash of the import
        result = {"refused": False, "message": f"{type(e).__name__}: {e}"}
    result.update(name=name, seconds=time.perf_counter() - t, unchanged=snapshot(doc.plan) == before)
    out.append(result)
doc.close()
for name, path in job["plans"]:
    t = time.perf_counter()
    try:
        PlanDocument.open(path).close()
        result = {"refused": False, "message": "opened"}
    except PlanFileError as e:
        result = {"refused": True, "message": str(e)}
    except BaseException as e:
        result = {"refused": False, "message": f"{type(e).__name__}: {e}"}
    result.update(name=name, seconds=time.perf_counter() - t)
    out.append(result)
print(json.dumps({"results": out, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_hostile_workbooks_and_tampered_plans_are_refused_naming_where(tmp_path):
    src = export_sample(tmp_path / "vivim.xlsx")
    books, plans, where = [], [], {}
    for i, (name, build, place) in enumerate(workbook_cases(src)):
        out = tmp_path / "books" / f"{i:02d}" / "hostile.xlsx"
        out.parent.mkdir(parents=True)
        build(out)
        books.append((name, str(out)))
        where[name] = place
    for i, (name, build, place) in enumerate(plan_cases()):
        out = tmp_path / "plans" / f"{i:02d}.vivim"
        out.parent.mkdir(parents=True, exist_ok=True)
        build(out)
        plans.append((name, str(out)))
        where[name] = place
    assert len(books) >= 40 and len(plans) >= 20
    digests = {p: _digest(Path(p)) for _, p in books + plans}
    open_plan = tmp_path / "open.vivim"
    shutil.copy(SAMPLE, open_plan)
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"open_plan": str(open_plan), "workbooks": books, "plans": plans}))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
    run = subprocess.run([sys.executable, "-c", RUNNER, str(MEMORY_LIMIT), str(TESTS), str(job)],
                         capture_output=True, text=True, timeout=HANG_GUARD, env=env)
    assert run.returncode == 0, f"the child died (exit {run.returncode}): {run.stderr[-2000:]}"
    report = json.loads(run.stdout.splitlines()[-1])
    problems = []
    for r in report["results"]:
        if not r["refused"]:
            problems.append(f"{r['name']}: not refused ({r['message'][:300]})")
        elif where[r["name"]] not in r["message"]:
            problems.append(f"{r['name']}: the message does not say {where[r['name']]!r}: {r['message'][:300]}")
        elif "[SQL" in r["message"] or "Traceback" in r["message"]:
            problems.append(f"{r['name']}: raw internals in the message: {r['message'][:300]}")
        if r.get("unchanged") is False:
            problems.append(f"{r['name']}: the open plan changed")
    assert not problems, "\n".join(problems)
    changed = [p for p, d in digests.items() if _digest(Path(p)) != d]
    assert not changed, f"refused files were changed: {changed}"
    assert not list((tmp_path / "plans").glob("*-wal")), "a refused plan was switched to WAL"
    slowest = max(report["results"], key=lambda r: r["seconds"])
    print(f"{len(books)} workbooks, {len(plans)} plan files refused; slowest {slowest['name']} "
          f"{slowest['seconds']:.2f} s; peak RSS {report['peak_rss_kb'] / 1024:.0f} MiB under a "
          f"{MEMORY_LIMIT >> 20} MiB limit")
