"""A copy of the .vivim file taken while the plan is open (mail, sync, backup) holds every
acknowledged edit, not only what SQLite's side log would replay."""

import shutil

from ui_plans import small_plan_file
from vivim_planner.commands import set_cell
from vivim_planner.storage import PlanDocument


def test_a_copy_taken_while_open_has_every_edit(tmp_path):
    path = small_plan_file(tmp_path)
    doc = PlanDocument.open(path)
    doc.apply(set_cell(doc.plan, "milestones", int(doc.plan.milestones.ids[0]), "code", "M1a"))
    doc.apply(set_cell(doc.plan, "allocations", int(doc.plan.allocations.ids[0]), "fte", "0.5"))
    copy = tmp_path / "mailed.vivim"
    shutil.copyfile(path, copy)  # the -wal file is not copied, as a mail client would not
    mailed = PlanDocument.open(copy, readonly=True)
    assert mailed.plan.milestones.get(0, "code") == "M1a"
    assert mailed.plan.allocations.get(0, "fte") == 0.5
    mailed.close()
    doc.close()
