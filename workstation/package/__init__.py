"""Evidence packages for a court or the requesting unit, their redacted disclosure copies,
and their verification (see build.py for the layout, standalone_verifier.py for the checks).

Qt-free: the report's thumbnails and PDF come from the Qt layer through ReportTools.
"""

from workstation.package.build import (
    PackageFailed,
    PackageRequest,
    PackageSummary,
    ReportTools,
    build_package,
)
from workstation.package.redact import WithholdRequest

__all__ = [
    "PackageFailed",
    "PackageRequest",
    "PackageSummary",
    "ReportTools",
    "WithholdRequest",
    "build_package",
]
