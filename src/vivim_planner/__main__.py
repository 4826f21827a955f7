"""``python -m vivim_planner``: the same as the ``vivim-planner`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
