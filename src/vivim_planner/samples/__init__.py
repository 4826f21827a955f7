"""The bundled sample plans (``sample_models/*.vivim``, shipped inside the package)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_REPO_SAMPLES = _HERE.parents[2] / "sample_models"  # an editable install or a source checkout


def sample_path(name: str = "vivim") -> Path:
    """Path of the bundled sample ``<name>.vivim``.

    Looks inside the installed package first, then in the source tree's ``sample_models/``.
    Raises ``FileNotFoundError`` naming both places when neither has it.
    """
    for folder in (_HERE, _REPO_SAMPLES):
        candidate = folder / f"{name}.vivim"
        if candidate.is_file() and candidate.stat().st_size > 0:
            return candidate
    raise FileNotFoundError(f"sample plan {name!r} not found in {_HERE} or {_REPO_SAMPLES}")


def sample_names() -> list[str]:
    """Names of the bundled samples (``vivim``, ``kalei``...), sorted, each once."""
    names = set()
    for folder in (_HERE, _REPO_SAMPLES):
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.vivim") if p.stat().st_size > 0)
    return sorted(names)
