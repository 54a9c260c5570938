"""What the benchmark scripts' JSON reports share: when and how the run was made, and the write.

Imported by the scripts of this folder, which run as ``python benchmarks/<name>.py`` (so this
folder is on ``sys.path``).
"""

from __future__ import annotations

import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stance._atomic import atomic_write


def run_info() -> dict[str, str]:
    """When the run was made, the command line and the Python version."""
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "python": platform.python_version(),
    }


def write_json(out_file: str | Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically (a failed run leaves the last report whole)."""
    with atomic_write(out_file) as handle:
        handle.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def write_report(out_file: Path, report: dict[str, Any], table: str) -> int:
    """Write ``report``, print the table and where the JSON went.

    Returns the exit status: 1 when a benchmark of ``report["benchmarks"]`` ended in error.
    """
    write_json(out_file, report)
    print(table)
    print(f"\nJSON: {out_file}")
    return 1 if any(r["status"] == "error" for r in report["benchmarks"].values()) else 0
