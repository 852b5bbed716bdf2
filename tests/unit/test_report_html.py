"""The report's HTML: hostile values stay inert text, nothing is loaded from anywhere,
and the audit head it prints verifies with OpenSSL exactly as its procedure says."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from tests.support.procs import require_program
from tests.unit.test_report_model import (  # noqa: F401  (the fixture)
    HOSTILE_TITLE,
    HOSTILE_URL,
    Built,
    built,
    png,
)
from workstation.report import build_report
from workstation.report.html import css_string, element, escape, stylesheet
from workstation.report.model import ReportOptions, gather
from workstation.report.verification_text import COMMAND_INDENT, is_command, procedure


class Outline(HTMLParser):
    """Every start tag with its attributes, the text of <style>, <pre> and table cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.pre: list[str] = []
        self.rows: dict[str, str] = {}
        self._open: list[str] = []
        self._th = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in {"style", "pre", "th", "td"}:
            self._open.append(tag)
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1] != tag:
            return
        self._open.pop()
        text = "".join(self._text)
        if tag == "style":
            self.styles.append(text)
        elif tag == "pre":
            self.pre.append(text)
        elif tag == "th":
            self._th = text
        elif tag == "td" and self._th:
            self.rows.setdefault(self._th, text)
            self._th = ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)


def outline(html: bytes) -> Outline:
    parser = Outline()
    parser.feed(html.decode("utf-8"))
    parser.close()
    return parser


def test_a_hostile_title_and_url_are_shown_as_text(built: Built) -> None:  # noqa: F811
    html = build_report(built.case).html
    assert b"<script" not in html.lower()
    assert b"onerror=alert(1)>" not in html
    assert b"&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert b"x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    parsed = outline(html)
    assert not [tag for tag, _ in parsed.tags if tag in {"script", "iframe", "object", "embed"}]
    for tag, attrs in parsed.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert tag != "img" or (attrs.get("alt") or "").startswith("Screenshot of exhibit")
    # Unescaped, the page shows exactly what the site gave (what a reader sees).
    shown = unescape(html.decode("utf-8"))
    assert HOSTILE_URL in shown and HOSTILE_TITLE in shown


def test_nothing_is_loaded_from_anywhere(built: Built) -> None:  # noqa: F811
    html = build_report(built.case).html
    parsed = outline(html)
    for tag, attrs in parsed.tags:
        assert "href" not in attrs, f"<{tag}> links somewhere: {attrs}"
        for name in ("src", "srcset", "data", "action", "poster", "background"):
            value = attrs.get(name)
            assert value is None or value.startswith(("data:image/png;", "data:image/jpeg;")), (
                tag,
                name,
            )
    assert b"url(" not in html, "no CSS fetches either"
    assert b"@import" not in html


def test_the_content_security_policy_allows_only_this_stylesheet(built: Built) -> None:  # noqa: F811
    parsed = outline(build_report(built.case).html)
    policies = [
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(policies) == 1
    policy = policies[0] or ""
    assert "default-src 'none'" in policy and "img-src data:" in policy
    assert "script-src" not in policy, "scripts fall under default-src 'none'"
    (style,) = parsed.styles
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy


def test_the_screenshot_is_embedded_as_a_data_uri(built: Built) -> None:  # noqa: F811
    html = build_report(built.case, item_ids=[built.snapshot]).html
    encoded = base64.b64encode(built.screenshot)
    assert b'src="data:image/png;base64,' + encoded + b'"' in html
    small = png(3, 3)
    scaled = build_report(built.case, thumbnails=lambda _png: small).html
    assert base64.b64encode(small) in scaled and encoded not in scaled


def test_a_hostile_case_reference_cannot_break_out_of_the_stylesheet(
    built: Built,  # noqa: F811
) -> None:
    reference = '"; } body { display: none } </style><script>x()</script> \\'
    built.case.update_metadata(reference=reference)
    model = gather(built.case, ReportOptions(generated_utc="2024-06-01T00:00:00Z"))
    style = stylesheet(model)
    assert "</style" not in style and "display: none" not in style
    html = build_report(built.case).html
    assert b"<script>" not in html
    assert css_string('a"b') == '"a\\000022 b"'
    assert css_string("x y") == '"x y"'


def test_markup_is_escaped_once() -> None:
    made = element("p", "<b>", element("code", "a&b"), cls='x"y')
    assert made == '<p class="x&quot;y">&lt;b&gt;<code>a&amp;b</code></p>'
    assert escape(made) == made


def test_redacted_contacts_are_marked_as_withheld(built: Built) -> None:  # noqa: F811
    parsed = outline(build_report(built.case, redact_contacts=True).html)
    assert parsed.rows["Direction"] == "outgoing"
    assert parsed.rows["Channel"] == "Telegram"
    assert "Counterparts" not in parsed.rows


def test_the_signed_head_verifies_with_openssl_as_the_procedure_says(
    built: Built,  # noqa: F811
    tmp_path: Path,
) -> None:
    openssl = require_program("openssl", "openssl")
    parsed = outline(build_report(built.case).html)
    statement, pem = parsed.pre[0], parsed.pre[1]
    assert statement.startswith('{"case_id":') and pem.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "head.json").write_bytes(statement.encode("utf-8"))  # no line break at the end
    (tmp_path / "case-key.pem").write_text(pem + "\n")
    (tmp_path / "head.sig.b64").write_text(parsed.rows["Signature (Ed25519, base64)"] + "\n")
    commands = _audit_commands()
    assert len(commands) == 2
    for command in commands:
        argv = command.split()
        assert argv[0] == "openssl"
        result = subprocess.run(
            [openssl, *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout

    tampered = statement.replace('"seq":', '"seq":1')
    (tmp_path / "head.json").write_text(tampered)
    refused = subprocess.run(
        [openssl, *commands[1].split()[1:]], cwd=tmp_path, capture_output=True, check=False
    )
    assert refused.returncode != 0, "a changed statement must not verify"


def _audit_commands() -> list[str]:
    """The commands of the procedure's audit-log step, as a reader would type them."""
    paragraphs = procedure(package=False)
    start = next(i for i, p in enumerate(paragraphs) if "AUDIT LOG" in p)
    block = next(p for p in paragraphs[start:] if is_command(p))
    return [line[len(COMMAND_INDENT) :] for line in block.split("\n")]


def test_times_in_the_timeline_are_in_order(built: Built) -> None:  # noqa: F811
    html = build_report(built.case).html.decode("utf-8")
    section = html.split('id="timeline"')[1].split("</section>")[0]
    times = re.findall(r'<code class="time">([^<]+)</code>', section)
    assert len(times) >= 6
    from workstation.report.model import utc_sort_key  # noqa: PLC0415

    assert [utc_sort_key(t) for t in times] == sorted(utc_sort_key(t) for t in times)
