"""The final report through the real command line.

Exhibits are captured through a real SOCKS5 proxy (microsocks) from a loopback site, a
contact is logged with `contact add`, then `report` writes a PDF (QtWebEngine's
printToPdf), which poppler's pdftoppm renders to PNG and pdftotext reads back, and an
HTML file. The renderer itself is shown to fetch nothing, even for hostile HTML.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.cases import PASSPHRASE, fast_case
from tests.support.cli import ROOT, run_cli
from tests.support.procs import require_program
from tests.support.site import LoopbackSite
from tests.support.socks import Microsocks
from workstation.casefile import Case

ALIAS = "Night Owl"
SECRET = "SECRET-CONTENT-pier-7-4000-EUR"
POPPLER = "poppler-utils"


@dataclass
class Captured:
    path: Path
    base: Path
    env: dict[str, str]
    site: LoopbackSite
    ids: list[int]
    numbers: list[str]
    urls: list[str]


def cli(
    captured: Captured, *args: str, stdin: str = PASSPHRASE + "\n"
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin, env=captured.env, timeout=120)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Captured]:
    """One case for the module: two pages captured as a persona, and a contact."""
    base = tmp_path_factory.mktemp("report-e2e")
    home = base / "home"
    home.mkdir(mode=0o700)
    env = {**os.environ, "WORKSTATION_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    site = LoopbackSite().start()
    proxy = Microsocks(base).start()
    try:
        path = base / "report.case"
        with fast_case(path, title="OP-REPORT-1") as case:
            case.add_persona(ALIAS, accounts=[("telegram", "@night_owl_tg")])
        urls = [site.url("/"), site.url("/long")]
        state = Captured(path, base, env, site, [], [], urls)
        taken = cli(state, "capture", "--case", str(path), "--route", proxy.url,
                    "--persona", ALIAS, "--json", *urls)  # fmt: skip
        assert taken.returncode == 0, taken.stderr
        outcomes = json.loads(taken.stdout)
        state.ids = [o["item_id"] for o in outcomes]
        state.numbers = [o["control_number"] for o in outcomes]
        logged = cli(state, "contact", "add", "--case", str(path), "--persona", ALIAS,
                     "--channel", "Telegram", "--counterpart", "@seller7731", "--direction", "out",
                     stdin=f"{PASSPHRASE}\n{SECRET}\n")  # fmt: skip
        assert logged.returncode == 0, logged.stderr
        yield state
    finally:
        proxy.stop()
        site.stop()


def report(
    captured: Captured, out: Path, *extra: str, stdin: str = PASSPHRASE + "\n"
) -> subprocess.CompletedProcess[str]:
    return cli(captured, "report", "--case", str(captured.path), "--out", str(out), *extra,
               stdin=stdin)  # fmt: skip


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pdftotext = require_program("pdftotext", POPPLER)
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    result = subprocess.run(
        [pdftotext, "-layout", *pages, str(pdf), "-"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def unwrapped(text: str) -> str:
    """The text without white space, so a hash or URL wrapped across lines reads whole."""
    return "".join(text.split())


def page_count(pdf: Path) -> int:
    pdfinfo = require_program("pdfinfo", POPPLER)
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def render_page(pdf: Path, page: int, out_dir: Path) -> Path:
    pdftoppm = require_program("pdftoppm", POPPLER)
    prefix = out_dir / f"page{page}"
    subprocess.run(
        [pdftoppm, "-png", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(prefix)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return prefix.with_suffix(".png")


def png_size_and_shades(png: bytes) -> tuple[int, int, int]:
    """(width, height, number of distinct byte values in the pixel data) of a PNG."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    offset, idat = 8, b""
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        if kind == b"IDAT":
            idat += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def assert_rendered(png_path: Path) -> None:
    assert png_path.is_file(), f"pdftoppm wrote no {png_path.name}"
    width, height, shades = png_size_and_shades(png_path.read_bytes())
    # A4 at 50 dpi is about 413 x 585; a blank page would have one or two shades.
    assert (width, height) > (400, 550) and height > width
    assert shades > 16, f"{png_path.name} looks blank ({shades} shades)"


def test_the_pdf_lists_the_chosen_exhibit_and_opens(captured: Captured, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = report(captured, out, "--exhibit", str(captured.ids[0]), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert answer["sha256"] == hashlib.sha256(data).hexdigest()
    assert answer["exhibits"] == 1 and answer["exhibit_ids"] == [captured.ids[0]]

    text = unwrapped(pdf_text(out))
    chosen, other = captured.numbers
    assert chosen in text and captured.urls[0] in text
    assert other[:16] not in text, "an exhibit that was not chosen must not appear"
    assert SECRET in text, "the contact log is in the report"

    assert_rendered(render_page(out, 1, tmp_path))
    exhibit_page = next(
        page
        for page in range(1, page_count(out) + 1)
        if chosen[:16] in unwrapped(pdf_text(out, page))
    )
    assert exhibit_page > 1, "the exhibits start on a page of their own"
    assert_rendered(render_page(out, exhibit_page, tmp_path))

    with Case.open(captured.path, PASSPHRASE) as case:
        event = [e for e in case.audit_events() if e.action == "report.generated"][-1]
    assert event.details["format"] == "pdf"
    assert event.details["sha256"] == answer["sha256"]
    assert event.details["html_sha256"] == answer["html_sha256"]


def test_the_html_report_holds_every_exhibit_and_loads_nothing(
    captured: Captured, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    result = report(captured, out)
    assert result.returncode == 0, result.stderr
    assert f"SHA-256: {hashlib.sha256(out.read_bytes()).hexdigest()}" in result.stdout
    assert "Exhibits: 2" in result.stdout
    html = out.read_text("utf-8")
    for number, url in zip(captured.numbers, captured.urls, strict=True):
        assert number in html and url in html
    assert html.count('src="data:image/jpeg;base64,') == 2, "Qt-scaled thumbnails"
    assert ' href="' not in html and ' src="http' not in html
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_a_redacted_report_withholds_contents_and_the_persona(
    captured: Captured, tmp_path: Path
) -> None:
    out = tmp_path / "redacted.pdf"
    result = report(captured, out, "--redact-contacts", "--withhold-persona", ALIAS)
    assert result.returncode == 0, result.stderr
    text = pdf_text(out)
    assert SECRET not in unwrapped(text)
    assert "seller7731" not in text
    assert ALIAS.lower() not in text.lower() and "night_owl_tg" not in text
    assert "[withheld]" in text and "withheld" in text
    for number in captured.numbers:
        assert number[:16] in unwrapped(text)


def test_an_existing_file_is_kept_unless_forced(captured: Captured, tmp_path: Path) -> None:
    out = tmp_path / "kept.html"
    out.write_text("the officer's earlier report")
    refused = report(captured, out)
    assert refused.returncode == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert out.read_text() == "the officer's earlier report"
    forced = report(captured, out, "--force")
    assert forced.returncode == 0, forced.stderr
    assert out.read_text("utf-8").startswith("<!doctype html>")


def test_wrong_names_are_refused_before_the_passphrase(captured: Captured, tmp_path: Path) -> None:
    wrong_kind = report(captured, tmp_path / "r.docx", stdin="")
    assert wrong_kind.returncode == 2 and ".html or .pdf" in wrong_kind.stderr
    no_such = report(captured, tmp_path / "r.pdf", "--exhibit", "99")
    assert no_such.returncode == 2 and "no exhibit 99" in no_such.stderr
    assert not (tmp_path / "r.pdf").exists()


HOSTILE_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{site}/style.css"></head>
<body><p>RENDER-MARKER-71c3</p>
<img src="{site}/pixel.png"><iframe src="{site}/"></iframe>
<script>fetch("{site}/lazy"); document.body.append("SCRIPT-RAN");</script>
<div style="background-image: url({site}/long)">styled</div>
<!-- {padding} -->
</body></html>"""

RENDER_SCRIPT = """
import sys
from workstation.browser.pdf_render import html_to_pdf
sys.stdout.buffer.write(html_to_pdf(sys.stdin.buffer.read()))
"""


def test_the_pdf_renderer_fetches_nothing_even_for_hostile_html(
    captured: Captured, tmp_path: Path
) -> None:
    site = captured.site
    before = site.request_count()
    # Over 2 MB, beyond what setHtml accepts: the renderer must take any report size.
    page = HOSTILE_PAGE.format(site=site.url("").rstrip("/"), padding="x" * 2_500_000)
    result = subprocess.run(
        [sys.executable, "-c", RENDER_SCRIPT],
        input=page.encode("utf-8"),
        capture_output=True,
        env=captured.env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(result.stdout)
    text = pdf_text(pdf)
    assert "RENDER-MARKER-71c3" in text
    assert "SCRIPT-RAN" not in text, "page scripts are off"
    assert site.request_count() == before, site.requests[before:]
