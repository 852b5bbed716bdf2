"""The recording proxy's cost: download throughput and page load, beside the route alone.

Throughput: a 256 MB body from a loopback server, read by a client (a) through the real
SOCKS5 proxy alone (microsocks), (b) through the route gate relaying only, (c) through
the gate recording (plain HTTP), (d) through the gate recording HTTPS (the gate's TLS to
the browser and its own to the origin). Target: (c) and (d) at least 100 MB/s.

Page load: a multi-resource HTTPS page (HTML, CSS, scripts, 24 images) loaded by
QtWebEngine headless in a fresh process per configuration, timed from load() to
loadFinished over several runs: through the recording gate versus straight through the
SOCKS5 proxy. Target: recording at most 1.3 times the proxy alone.
"""

import base64
import hashlib
import http.client
import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The benchmark's sites live on loopback, which the route gate otherwise refuses.
os.environ["WORKSTATION_ALLOW_LOCAL_DESTINATIONS"] = "1"

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.support.http import LoopbackHttpServer
from tests.support.socks import Microsocks
from tests.support.testca import TestCA
from workstation.evidence.traffic import TrafficJournal
from workstation.route import RouteGate, parse_route
from workstation.route.interception_ca import InterceptionCA
from workstation.route.recording import Interception, origin_context

BODY_MB = int(os.environ.get("BENCH_BODY_MB", "256"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
BLOCK = bytes(range(256)) * 4096  # 1 MiB
IMAGES = 24
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201ac3e7a3a0000000049454e44ae426082"
)


def page_html() -> bytes:
    images = "".join(f'<img src="/img/{i}.png" width="40" height="40">' for i in range(IMAGES))
    scripts = "".join(f'<script src="/js/{i}.js"></script>' for i in range(4))
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>bench shop</title>'
        '<link rel="stylesheet" href="/style.css"></head><body><h1>Offers</h1>'
        f"{images}{scripts}<p>{'lorem ipsum ' * 2000}</p></body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, ssl.SSLEOFError):
            # The browser dropped a connection it no longer needed once the page was done.
            self.close_connection = True

    def do_GET(self) -> None:
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(BODY_MB * len(BLOCK)))
            self.end_headers()
            for _ in range(BODY_MB):
                self.wfile.write(BLOCK)
            return
        if self.path.startswith("/img/"):
            kind, body = "image/png", PNG_1PX
        elif self.path.startswith("/js/"):
            kind, body = (
                "text/javascript",
                b"document.body.dataset.n = (+document.body.dataset.n||0)+1;",
            )
        elif self.path == "/style.css":
            kind, body = "text/css", b"body{font-family:sans-serif} img{margin:2px}"
        else:
            kind, body = "text/html", page_html()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def read_all(sock: socket.socket | ssl.SSLSocket) -> int:
    total = 0
    while chunk := sock.recv(1 << 20):
        total += len(chunk)
    return total


def socks_connect(proxy_port: int, port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", proxy_port))
    sock.sendall(b"\x05\x01\x00")
    assert sock.recv(2) == b"\x05\x00"
    sock.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + port.to_bytes(2, "big"))
    assert sock.recv(10)[1] == 0
    return sock


def throughput(label: str, fetch: Callable[[], int]) -> tuple[str, float]:
    start = time.perf_counter()
    size = fetch()
    seconds = time.perf_counter() - start
    assert size >= BODY_MB * len(BLOCK), (label, size)
    return label, size / seconds / 1e6


def plain_get(sock: socket.socket | ssl.SSLSocket, host: str) -> int:
    sock.sendall(f"GET /big HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    return read_all(sock)


def via_gate(gate_port: int, site_port: int) -> int:
    sock = socket.create_connection(("127.0.0.1", gate_port))
    request = f"GET http://127.0.0.1:{site_port}/big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    sock.sendall(request.encode())
    return read_all(sock)


def via_gate_tls(gate_port: int, site_port: int, ca: InterceptionCA) -> int:
    context = ssl.create_default_context(cadata=ca_pem(ca))
    connection = http.client.HTTPSConnection("127.0.0.1", gate_port, context=context)
    connection.set_tunnel("127.0.0.1", site_port)
    connection.request("GET", "/big")
    response = connection.getresponse()
    total = 0
    while chunk := response.read(1 << 20):
        total += len(chunk)
    connection.close()
    return total


def ca_pem(ca: InterceptionCA) -> str:
    return ca.certificate.public_bytes(serialization.Encoding.PEM).decode()


def throughput_figures(
    proxy: Microsocks, site: LoopbackHttpServer, tls_site: LoopbackHttpServer, test_ca: TestCA
) -> None:
    relay = RouteGate(parse_route(proxy.url))
    relay.start()
    ca = InterceptionCA.ephemeral()
    journal = TrafficJournal()
    context = origin_context()
    context.load_verify_locations(cadata=test_ca.pem.decode())
    recording = RouteGate(
        parse_route(proxy.url), interception=Interception(ca.server_context, context, journal)
    )
    recording.start()
    rows = [
        throughput(
            "SOCKS5 proxy alone (microsocks)",
            lambda: plain_get(socks_connect(proxy.port, site.port), "127.0.0.1"),
        ),
        throughput("gate relaying, no recording", lambda: via_gate(relay.port, site.port)),
        throughput("gate recording, plain HTTP", lambda: via_gate(recording.port, site.port)),
        throughput(
            "gate recording, HTTPS (two TLS legs)",
            lambda: via_gate_tls(recording.port, tls_site.port, ca),
        ),
    ]
    relay.stop()
    recording.stop()
    print(f"\nDownload throughput, {BODY_MB} MB body on loopback (target: recording >= 100 MB/s)")
    for label, rate in rows:
        print(f"  {label:42s} {rate:8.0f} MB/s")


# ---- page load: a child process per configuration (Chromium flags are per process) ----


def page_load_child(config: dict[str, str]) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if os.geteuid() == 0:
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"  # Chromium's sandbox refuses root
    from PySide6.QtCore import QTimer, QUrl  # noqa: PLC0415
    from PySide6.QtWebEngineCore import QWebEngineProfile  # noqa: PLC0415
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: PLC0415

    from workstation.browser.flags import chromium_flags  # noqa: PLC0415

    flags = chromium_flags(0, headless=True, spki_pin=config["pin"])
    flags = [f for f in flags if not f.startswith(("--proxy-server", "--proxy-bypass-list"))]
    flags += [f"--proxy-server={config['proxy']}", "--proxy-bypass-list=<-loopback>"]
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    app = QApplication([sys.argv[0], "--webEngineArgs", *flags])
    times: list[float] = []
    profile = QWebEngineProfile()
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
    state: dict[str, object] = {}

    def run() -> None:
        view = QWebEngineView()
        from PySide6.QtWebEngineCore import QWebEnginePage  # noqa: PLC0415

        page = QWebEnginePage(profile, view)
        view.setPage(page)
        view.resize(1280, 900)
        state["view"] = view

        def finished(ok: bool) -> None:
            if not ok:
                print("page did not load", file=sys.stderr)
                app.exit(1)
                return
            times.append(time.perf_counter() - float(state["start"]))  # type: ignore[arg-type]
            view.deleteLater()
            if len(times) < RUNS + 1:
                QTimer.singleShot(0, run)
            else:
                app.quit()

        page.loadFinished.connect(finished)
        state["start"] = time.perf_counter()
        view.load(QUrl(config["url"] + f"?run={len(times)}"))

    QTimer.singleShot(0, run)
    app.exec()
    print(json.dumps(times[1:]))  # the first load warms up the process


def page_load(config: dict[str, str]) -> float:
    result = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(config)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    times = json.loads(result.stdout.strip().splitlines()[-1])
    return float(statistics.median(times)) * 1000


def page_load_figures(proxy: Microsocks, tls_site: LoopbackHttpServer, test_ca: TestCA) -> None:
    def pin_of(cert: x509.Certificate) -> str:
        spki = cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(hashlib.sha256(spki).digest()).decode()

    url = f"https://127.0.0.1:{tls_site.port}/"
    ca = InterceptionCA.ephemeral()
    context = origin_context()
    context.load_verify_locations(cadata=test_ca.pem.decode())
    gate = RouteGate(
        parse_route(proxy.url),
        interception=Interception(ca.server_context, context, TrafficJournal()),
    )
    gate.start()
    plain_gate = RouteGate(parse_route(proxy.url))
    plain_gate.start()
    try:
        alone = page_load(
            {
                "proxy": f"socks5://127.0.0.1:{proxy.port}",
                "pin": pin_of(test_ca.certificate),
                "url": url,
            }
        )
        relay = page_load(
            {
                "proxy": f"http://127.0.0.1:{plain_gate.port}",
                "pin": pin_of(test_ca.certificate),
                "url": url,
            }
        )
        recorded = page_load(
            {"proxy": f"http://127.0.0.1:{gate.port}", "pin": ca.spki_pin(), "url": url}
        )
    finally:
        gate.stop()
        plain_gate.stop()
    print(
        f"\nPage load, HTTPS page with {IMAGES + 6} resources, median of {RUNS} "
        "(target: recording <= 1.3x)"
    )
    print(f"  {'SOCKS5 proxy alone':42s} {alone:8.0f} ms")
    print(f"  {'gate relaying (TLS end to end)':42s} {relay:8.0f} ms")
    print(
        f"  {'gate recording (TLS intercepted)':42s} {recorded:8.0f} ms   {recorded / alone:.2f}x"
    )


def main() -> None:
    test_ca = TestCA()
    with tempfile.TemporaryDirectory() as folder:
        proxy = Microsocks(Path(folder)).start()
        site = LoopbackHttpServer(Handler).start()
        tls_site = LoopbackHttpServer(Handler, tls=test_ca.server_context("127.0.0.1")).start()
        try:
            throughput_figures(proxy, site, tls_site, test_ca)
            page_load_figures(proxy, tls_site, test_ca)
        finally:
            tls_site.stop()
            site.stop()
            proxy.stop()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        page_load_child(json.loads(sys.argv[2]))
    else:
        main()
