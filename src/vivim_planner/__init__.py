"""VIVIM Planner: a desktop cost planner for startup founders.

Layers (dependencies point down, nothing below ``ui`` imports Qt)::

    ui/        PySide6 + pyqtgraph window, table models, undo bridge
    cli/       headless commands over the same core
    storage/   the SQLite plan document (.vivim)
    commands/  every edit as an object: apply / revert -> ChangeSet
    engine/    pure, vectorized computation and the audit
    domain/    entities, field validation, the in-memory plan
"""

__version__ = "0.1.0"
