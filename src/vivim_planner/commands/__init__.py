"""Commands: every edit as an object (apply / revert -> ChangeSet) and the undo history."""

from .changes import ChangeSet
from .edits import (Command, Compound, DeleteRows, InsertRows, SetCells, SetSettings, delete_rows,
                    insert_rows, paste_block, set_cell, set_cells, set_settings)
from .history import History, InMemory
from .replace import PlanDiff, ReplacePlan, TableDiff, diff_plans, replace_plan

__all__ = ["ChangeSet", "Command", "Compound", "DeleteRows", "History", "InMemory", "InsertRows", "PlanDiff",
           "ReplacePlan", "SetCells", "SetSettings", "TableDiff", "delete_rows", "diff_plans", "insert_rows",
           "paste_block", "replace_plan", "set_cell", "set_cells", "set_settings"]
