"""Architecture contracts (import-linter, configured in pyproject.toml): a module that
imports upwards fails the suite. Imports inside functions count too."""

import subprocess
import sys
from pathlib import Path

from tests.plugin import ROOT


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
