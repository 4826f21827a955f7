"""Commands: every edit as an object (apply / revert -> ChangeSet) and the undo history."""

from .changes import ChangeSet
from .edits import (Command, Compound, DeleteRows, InsertRows, SetCells, SetSettings, delete_rows,
                    insert_rows, paste_block, set_cell, set_cells, set_settings)
from .history import History, InMemory

__all__ = ["ChangeSet", "Command", "Compound", "DeleteRows", "History", "InMemory", "InsertRows", "SetCells",
           "SetSettings", "delete_rows", "insert_rows", "paste_block", "set_cell", "set_cells", "set_settings"]
