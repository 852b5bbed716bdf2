"""Evidence package export and verification for a case holding about 1 GB of evidence,
beside `sha256sum` and `tar | zstd` of the same files, in the same run.

The case holds --mb (default BENCH_EXPORT_MB, else 1024) MB of downloads sealed as
exhibits (random bytes, so nothing compresses away), in 64 MB files. Measured: reading
every exhibit's artifacts out of the case (`Case.artifacts`: SQLCipher decrypts, the case
re-hashes; the floor under the export), `export` (the package folder: every artifact
written and hashed, SHA256SUMS, Merkle tree, audit log; the PDF report is left out, it is
a rendering, not throughput), `verify` of the package (every hash recomputed), the
standalone verifier (Python's standard library only), and beside them `sha256sum -c
SHA256SUMS` and `tar -cf - FOLDER | zstd -1` of the exported folder. --profile prints
where the export's time goes (cProfile, the thread that runs it).
"""

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.cases import fast_case
from workstation.evidence.snapshot import SealContext
from workstation.evidence.visit import Download, seal_download
from workstation.package.build import PackageRequest, build_package
from workstation.package.verify import verify_package

SIZE_MB = int(os.environ.get("BENCH_EXPORT_MB", "1024"))
FILE_MB = 64
CONTEXT = SealContext(route="bench", officer="bench", tool={"name": "bench"})


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def fill(case: object, size_mb: int = SIZE_MB) -> None:
    for index in range(max(1, size_mb // FILE_MB)):
        download = Download(
            source_url=f"https://shop.example/files/{index}.bin",
            page_url="https://shop.example/",
            suggested_name=f"listing-{index}.bin",
            media_type="application/octet-stream",
            data=os.urandom(FILE_MB * 1024 * 1024),
            started_utc="2026-11-30T10:00:00Z",
            finished_utc="2026-11-30T10:00:05Z",
        )
        seal_download(case, download, CONTEXT)  # type: ignore[arg-type]


def read_all(case: object) -> None:
    for record in case.evidence_items():  # type: ignore[attr-defined]
        case.artifacts(record.id)  # type: ignore[attr-defined]


def profiled(action: Callable[[], object]) -> tuple[float, pstats.Stats]:
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.runcall(action)
    return time.perf_counter() - start, pstats.Stats(profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=SIZE_MB, help="evidence in the case (MB)")
    parser.add_argument("--profile", action="store_true", help="profile the export")
    args = parser.parse_args()
    if not shutil.which("zstd"):
        sys.exit("zstd is missing (bench/run.sh installs it)")
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ["WORKSTATION_HOME"] = str(work / "home")
    try:
        case = fast_case(work / "big.case")
        fill_s, _ = timed(lambda: fill(case, args.mb))
        read_s, _ = timed(lambda: read_all(case))
        out = work / "package"
        export = lambda: build_package(case, out, PackageRequest())  # noqa: E731
        stats = None
        if args.profile:
            export_s, stats = profiled(export)
        else:
            export_s, _ = timed(export)
        case.close()
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
        verify_s, report = timed(lambda: verify_package(out))
        assert report.ok, report  # type: ignore[attr-defined]
        standalone_s, _ = timed(
            lambda: subprocess.run(
                [sys.executable, "-I", "-S", "verify_package.py", "--no-openssl"],
                cwd=out, check=True, capture_output=True,
            )
        )  # fmt: skip
        sums_s, _ = timed(
            lambda: subprocess.run(
                ["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=out, check=True
            )
        )
        tar_s, _ = timed(
            lambda: subprocess.run(
                f"tar -cf - -C {out} . | zstd -1 -q -o {work / 'package.tar.zst'}",
                shell=True, check=True,
            )
        )  # fmt: skip
        print(f"Evidence package of a case with {args.mb} MB of evidence ({size:.0f} MB written)")
        print(f"  (filling the case: {fill_s:.1f} s; load average {os.getloadavg()[0]:.2f})")
        for label, seconds in (
            ("Case.artifacts (decrypt, re-hash)", read_s),
            ("export (package folder)", export_s),
            ("verify PACKAGE", verify_s),
            ("verify_package.py (stdlib only)", standalone_s),
            ("sha256sum -c SHA256SUMS", sums_s),
            ("tar -cf - | zstd -1", tar_s),
        ):
            print(f"  {label:34s} {seconds:6.1f} s  {size / seconds:7.0f} MB/s")
        if stats is not None:
            print("\nWhere the export's time went (its own thread; the read-ahead thread's")
            print("decrypting shows as waiting on a lock):")
            stats.sort_stats("tottime").print_stats(12)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
