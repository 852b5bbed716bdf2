"""Lookups through the route beside the standard tools, against the same local servers.

Servers, all on loopback and started here: knotd with the test zones, WHOIS servers
answering recorded real registry answers (IANA -> Verisign -> MarkMonitor for
google.com), an RDAP server with Verisign's recorded answer, and an HTTPS site with a
test CA certificate for google.com. The workstation reaches them through the route gate
and a SOCKS5 proxy that knows the real-world names (the loopback Internet of the tests);
the tools reach them directly, by port:

  dns      lookup dns webshop.example      vs  dig +tcp +keepopen (the same questions)
  whois    lookup whois google.com         vs  whois -h, once per server in the chain
  rdap     lookup rdap google.com          vs  curl of the same RDAP URL
  cert     lookup cert google.com          vs  openssl s_client -showcerts
  headers  lookup headers https://google.com/ vs curl -sD-
  profile  lookup profile google.com       vs  its slowest single lookup

Targets: each lookup within 1.2x its tool; the profile within 1.25x its slowest lookup.
Medians of BENCH_RUNS (default 10) runs. On loopback the lookups are bound by Python's own
work (parsing), which parallel threads share, so the profile is measured again with a
modelled route latency (every connection through the route takes ROUTE_LATENCY_MS to set
up, as over Tor), where running the lookups side by side is what counts.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The benchmark's servers live on loopback, which the route gate otherwise refuses.
os.environ["WORKSTATION_ALLOW_LOCAL_DESTINATIONS"] = "1"

from tests.support.http import LoopbackHttpServer, QuietHandler
from tests.support.knot import Knot
from tests.support.namednet import LoopbackInternet
from tests.support.rdapserver import RdapServer, recorded
from tests.support.testca import TestCA
from tests.support.whoisserver import WhoisServer
from workstation.lookup import LookupContext
from workstation.lookup.cert import lookup_cert
from workstation.lookup.dns import lookup_dns
from workstation.lookup.headers import lookup_headers
from workstation.lookup.profile import run_profile
from workstation.lookup.rdap import lookup_rdap
from workstation.lookup.whois import lookup_whois
from workstation.route import RouteGate, parse_route
from workstation.route.exits import GateConnector

RUNS = int(os.environ.get("BENCH_RUNS", "10"))
ROUTE_LATENCY_MS = int(os.environ.get("BENCH_ROUTE_LATENCY_MS", "150"))
DNS_QUESTIONS = [
    ("webshop.example", t) for t in ("A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "CAA")
] + [("_dmarc.webshop.example", "TXT"), ("webshop.example", "DNSKEY")]
WHOIS_CHAIN = [
    ("whois.iana.org", "google.com"),
    ("whois.verisign-grs.com", "domain google.com"),
    ("whois.markmonitor.com", "google.com"),
]
RDAP_PATH = "/com/v1/domain/google.com"


def median_ms(action: Callable[[], object]) -> float:
    action()  # warm up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def tool(*argv: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(argv, capture_output=True, check=True, timeout=60)

    return run


class Shop(QuietHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.answer(200, "text/html", b"<title>shop</title>")


def start_route(
    servers: dict[tuple[str, int], int], delay: float
) -> tuple[LoopbackInternet, RouteGate]:
    internet = LoopbackInternet(connect_delay=delay).start()
    for (host, port), loopback_port in servers.items():
        internet.add(host, port, loopback_port)
    gate = RouteGate(parse_route(internet.url))
    gate.start()
    return internet, gate


def profile_figures(
    context: LookupContext, label: str, singles: dict[str, Callable[[], object]]
) -> None:
    times = {kind: median_ms(action) for kind, action in singles.items()}
    profile_ms = median_ms(lambda: run_profile("google.com", context))
    slowest_kind = max(times, key=lambda kind: times[kind])
    slowest, together = times[slowest_kind], sum(times.values())
    print(
        f"  profile of google.com, {label}: {profile_ms:.1f} ms; slowest single lookup "
        f"({slowest_kind}) {slowest:.1f} ms -> {profile_ms / slowest:.2f}x (target <= 1.25x); "
        f"one after another {together:.1f} ms"
    )


def main() -> None:
    missing = [name for name in ("dig", "whois", "curl", "openssl") if not shutil.which(name)]
    if missing:
        sys.exit(f"missing tools: {', '.join(missing)} (bench/run.sh installs them)")
    work = Path(tempfile.mkdtemp(prefix="bench-lookups-"))
    ca = TestCA()
    cafile = ca.write_pem(work / "ca.pem")
    knot = Knot(work).start()
    whois = {name: WhoisServer(name).start() for name in {n for n, _ in WHOIS_CHAIN}}
    rdap = RdapServer(
        {RDAP_PATH: (200, recorded("rdap.verisign.com__com_v1_domain_google.com.json"), ())},
        tls=ca.server_context("rdap.verisign.com"),
    ).start()
    site = LoopbackHttpServer(Shop, tls=ca.server_context("google.com")).start()
    servers = {
        ("127.0.0.1", knot.port): knot.port,
        ("rdap.verisign.com", 443): rdap.port,
        ("google.com", 443): site.port,
        **{(name, 43): server.port for name, server in whois.items()},
    }
    internet, gate = start_route(servers, 0.0)
    slow_internet, slow_gate = start_route(servers, ROUTE_LATENCY_MS / 1000)

    def context_for(route_gate: RouteGate) -> LookupContext:
        return LookupContext(
            connector=GateConnector(route_gate.port, "bench route"),
            resolver=("127.0.0.1", knot.port),
            tls_context=ca.client_context(),
            timeout=10.0,
        )

    context, slow = context_for(gate), context_for(slow_gate)
    dig_args = ["dig", "+tcp", "+keepopen", "@127.0.0.1", "-p", str(knot.port)]
    for name, rdtype in DNS_QUESTIONS:
        dig_args += [name, rdtype]
    try:
        rows = [
            ("dns", lambda: lookup_dns("webshop.example", context), tool(*dig_args)),
            ("whois", lambda: lookup_whois("google.com", context), whois_chain(whois)),
            (
                "rdap",
                lambda: lookup_rdap("google.com", context),
                tool(
                    "curl",
                    "-s",
                    "--cacert",
                    str(cafile),
                    "--resolve",
                    f"rdap.verisign.com:{rdap.port}:127.0.0.1",
                    f"https://rdap.verisign.com:{rdap.port}{RDAP_PATH}",
                ),
            ),
            (
                "cert",
                lambda: lookup_cert("google.com", context),
                openssl_showcerts(site.port),
            ),
            (
                "headers",
                lambda: lookup_headers("https://google.com/", context),
                tool(
                    "curl",
                    "-s",
                    "-D-",
                    "-o",
                    "/dev/null",
                    "--cacert",
                    str(cafile),
                    "--resolve",
                    f"google.com:{site.port}:127.0.0.1",
                    f"https://google.com:{site.port}/",
                ),
            ),
        ]
        print(f"Lookups, median of {RUNS} runs (workstation through the route gate + SOCKS5)")
        print(f"  {'lookup':9s} {'workstation':>12s} {'tool':>10s} {'ratio':>7s}  (target <= 1.2x)")
        singles = {}
        for label, ours, theirs in rows:
            ours_ms, theirs_ms = median_ms(ours), median_ms(theirs)
            singles[label] = ours_ms
            print(
                f"  {label:9s} {ours_ms:10.1f} ms {theirs_ms:7.1f} ms {ours_ms / theirs_ms:6.2f}x"
            )
        for label, ctx in (
            ("loopback route", context),
            (f"route with {ROUTE_LATENCY_MS} ms connection set-up", slow),
        ):
            profile_figures(ctx, label, profile_members(ctx))
    finally:
        for route_gate, route in ((gate, internet), (slow_gate, slow_internet)):
            route_gate.stop()
            route.stop()
        site.stop()
        rdap.stop()
        for server in whois.values():
            server.stop()
        knot.stop()
        shutil.rmtree(work, ignore_errors=True)


def profile_members(context: LookupContext) -> dict[str, Callable[[], object]]:
    """The profile's own lookups of google.com, each alone (registration is RDAP here)."""
    return {
        "dns": lambda: lookup_dns("google.com", context),
        "registration": lambda: lookup_rdap("google.com", context),
        "cert": lambda: lookup_cert("google.com", context),
        "headers": lambda: lookup_headers("https://google.com/", context),
    }


def whois_chain(servers: dict[str, WhoisServer]) -> Callable[[], object]:
    def run() -> object:
        for name, query in WHOIS_CHAIN:
            argv = ["whois", "-h", "127.0.0.1", "-p", str(servers[name].port), "--", query]
            subprocess.run(argv, capture_output=True, check=False, timeout=60)
        return None

    return run


def openssl_showcerts(port: int) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername",
             "google.com", "-showcerts"],
            input=b"", capture_output=True, check=False, timeout=60,
        )  # fmt: skip

    return run


if __name__ == "__main__":
    main()
