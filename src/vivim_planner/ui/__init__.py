"""The desktop window (PySide6 + pyqtgraph). The only layer that imports Qt."""
