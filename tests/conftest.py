"""Test setup: Qt runs offscreen; helpers to build small plans."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
