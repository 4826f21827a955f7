"""Excel interchange: export a plan to an .xlsx workbook (live formulas with cached values),
import it back (validated; every bad cell reported as ``Sheet!B7: reason``) and CSV grids.

Sits beside :mod:`vivim_planner.storage`, above commands, engine and domain; never imports Qt.
"""

from .export import ExportInfo, export_workbook
from .grid_csv import export_csv, write_grid_csv
from .importer import ImportReport, ImportResult, import_command, import_workbook, read_plan
from .reader import WorkbookError

__all__ = ["ExportInfo", "ImportReport", "ImportResult", "WorkbookError", "export_csv", "export_workbook",
           "import_command", "import_workbook", "read_plan", "write_grid_csv"]
