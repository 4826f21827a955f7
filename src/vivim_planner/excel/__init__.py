"""Excel interchange: export a plan to an .xlsx workbook (live formulas with cached values),
import it back (validated; every bad cell reported as ``Sheet!B7: reason``) and CSV grids.

Sits beside :mod:`vivim_planner.storage`, above commands, engine and domain; never imports Qt.
"""

from .export import ExportInfo, export_workbook

__all__ = ["ExportInfo", "export_workbook"]
