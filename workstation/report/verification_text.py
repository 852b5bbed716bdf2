"""How a third party checks the evidence, in plain language, with standard tools.

Written for a judge's clerk or the requesting unit's analyst: no workstation, no
special software, only sha256sum (coreutils), OpenSSL and, for the web pages, warcio
or ReplayWeb.page. The report prints it; the evidence package can reuse it.

``procedure`` returns paragraphs. A paragraph whose lines all start with four spaces
is a command to type (a report shows it as a code block; plain text keeps it
indented); every other paragraph is prose.
"""

COMMAND_INDENT = "    "


def is_command(paragraph: str) -> bool:
    """True for a paragraph of commands (each line indented by four spaces)."""
    lines = paragraph.split("\n")
    return all(line.startswith(COMMAND_INDENT) for line in lines)


def procedure(package: bool) -> list[str]:
    """The verification procedure as paragraphs.

    package=True: the text travels inside an evidence package, beside the files it
    names. package=False: the text is part of a report sent on its own, which proves
    nothing about files the reader does not have yet, so it says what to ask for.
    """
    return [
        *_what_you_need(package),
        *_step_files_unchanged(package),
        *_step_control_numbers(),
        *_step_artifacts(),
        *_step_timestamps(),
        *_step_web_pages(),
        *_step_audit_head(package),
        *_what_a_failure_means(),
    ]


def _what_you_need(package: bool) -> list[str]:
    if package:
        where = (
            "This package holds the evidence files, the report and everything needed to "
            "check them. Copy it to any computer; nothing below needs the workstation or "
            "a network connection."
        )
    else:
        where = (
            "This report lists each exhibit with its control number, but the report on "
            "its own proves nothing about files you have not seen. Ask the issuing unit "
            "for the evidence package (or export folder) of this case. The checks below "
            "are run on that package and need neither the workstation nor a network "
            "connection."
        )
    return [
        "WHAT YOU NEED",
        where,
        "Tools: sha256sum (part of every Linux system; on macOS use 'shasum -a 256', on "
        "Windows 'certutil -hashfile FILE SHA256'), OpenSSL 3 (the 'openssl' command) and, "
        "for the recorded web pages, warcio (a Python program: 'pip install warcio') or "
        "ReplayWeb.page (a free web archive viewer that runs in a web browser).",
        "A SHA-256 value is a 64-character fingerprint of a file: changing a single byte "
        "of the file gives a completely different value, and no one can make a different "
        "file with the same value. Each check below compares such fingerprints.",
    ]


def _step_files_unchanged(package: bool) -> list[str]:
    folder = "the package" if package else "the evidence package"
    return [
        "STEP 1: NOTHING WAS CHANGED SINCE THE PACKAGE WAS MADE",
        f"Open a terminal in the top folder of {folder} and run:",
        "    sha256sum -c SHA256SUMS",
        "Every line must end in 'OK'. A line ending in 'FAILED' names a file that differs "
        "from the one that was packed.",
    ]


def _step_control_numbers() -> list[str]:
    return [
        "STEP 2: EACH EXHIBIT IS THE ONE THAT WAS SEALED",
        "Every exhibit was sealed when it was captured: a manifest (manifest.json) lists "
        "each of its files with its SHA-256 and says where, when and how it was captured. "
        "The SHA-256 of the manifest file itself is the exhibit's CONTROL NUMBER, printed "
        "in the report for each exhibit. The commands of steps 2 to 5 run in the evidence "
        "folder: the one holding the exhibits folder and evidence.wacz (in an evidence "
        "package it is called evidence; it has its own SHA256SUMS too). Run:",
        "    sha256sum exhibits/*/manifest.json",
        "Each result must equal the control number the report gives for that exhibit (the "
        "folder name starts with the exhibit's number and the first 12 characters of its "
        "control number).",
    ]


def _step_artifacts() -> list[str]:
    return [
        "STEP 3: EACH FILE IS THE ONE THE MANIFEST LISTS",
        "Open an exhibit's manifest.json in any text editor: its 'artifacts' list gives each "
        "file's 'name', 'sha256' and 'size' (the report prints the same list). Compare with:",
        "    sha256sum exhibits/FOLDER/*",
        "where FOLDER is the exhibit's folder. The screenshot (screenshot.png), the page as "
        "the browser rendered it (dom.html, page.mhtml, page.pdf), its visible text "
        "(page.txt) and the recorded traffic (page.warc.gz) can then be opened with ordinary "
        "programs, knowing they are the sealed files.",
    ]


def _step_timestamps() -> list[str]:
    return [
        "STEP 4: THE TIME, CONFIRMED BY AN INDEPENDENT AUTHORITY",
        "When the report says a timestamp was granted, the exhibit's folder holds "
        "timestamp-1.tsr: the reply of an RFC 3161 timestamp authority, signed by it, over "
        "the SHA-256 of manifest.json. It proves the manifest (and so every file it lists) "
        "existed at the time the authority states. In the exhibit's folder run:",
        "    openssl ts -reply -in timestamp-1.tsr -text\n"
        "    openssl ts -verify -in timestamp-1.tsr -data manifest.json -CAfile tsa-root.pem",
        "The first command shows the time; the second must print 'Verification: OK'. "
        "tsa-root.pem is the authority's root certificate. Take it from the authority "
        "itself (its web site, or your unit's configuration), not from the package, so "
        "that the check does not rest on a file that came with the evidence. If OpenSSL "
        "cannot find the signer, add:  -untrusted timestamp-1-certs.pem",
    ]


def _step_web_pages() -> list[str]:
    return [
        "STEP 5: THE RECORDED WEB PAGES",
        "page.warc.gz (per exhibit) and evidence.wacz (all exhibits together) are standard "
        "web archives: every request the browser sent and every answer the site gave, byte "
        "for byte, with the site's TLS certificate chain. To list and check one:",
        "    warcio index exhibits/FOLDER/page.warc.gz\n"
        "    warcio check exhibits/FOLDER/page.warc.gz",
        "To see the pages as they were served, open evidence.wacz in ReplayWeb.page "
        "('Load' and choose the file). The pages are replayed from the archive, not "
        "fetched from the Internet again.",
    ]


def _step_audit_head(package: bool) -> list[str]:
    return [
        "STEP 6: THE CASE'S AUDIT LOG",
        "Every action in the case (each exhibit sealed, each lookup saved, each contact "
        "logged, each export and report) was written to an audit log in which every entry "
        "contains the fingerprint of the one before, so no entry can be changed, removed or "
        "inserted without breaking the chain. The case signs the latest entry (the 'head') "
        "with its own Ed25519 key; the public key is recorded at the start of the log, when "
        "the case was created.",
        *(_package_signature() if package else _report_signature()),
        "OpenSSL must print 'Signature Verified Successfully'.",
    ]


def _package_signature() -> list[str]:
    return [
        "The package holds the audit log, its signed heads (each as the signed message and "
        "its signature) and the case's public key; its README names the files. Check a "
        "head with OpenSSL:",
        "    openssl pkeyutl -verify -pubin -inkey audit/public-key.pem -rawin"
        " -in HEAD.msg -sigfile HEAD.sig",
    ]


def _report_signature() -> list[str]:
    return [
        "The report prints the latest signed head, the exact statement that was signed, the "
        "signature and the case's public key. To check the signature with OpenSSL, save the "
        "signed statement exactly as printed, as one line with no line break at the end, as "
        "head.json; the public key (the PEM block) as case-key.pem; and the signature "
        "(base64) as head.sig.b64. Then run:",
        "    openssl base64 -d -A -in head.sig.b64 -out head.sig\n"
        "    openssl pkeyutl -verify -pubin -inkey case-key.pem -rawin -in head.json"
        " -sigfile head.sig",
    ]


def _what_a_failure_means() -> list[str]:
    return [
        "IF A CHECK FAILS",
        "A failed check means the file at hand is not the one that was sealed. It does not "
        "say who changed it or why; ask the issuing unit for a fresh copy and compare again. "
        "The issuing unit can re-check its own case at any time with the workstation's "
        "'verify' command.",
    ]
