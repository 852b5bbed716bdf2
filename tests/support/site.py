"""A small web site on a loopback port that counts every request it receives."""

import threading

from tests.support.http import LoopbackHttpServer, QuietHandler

INDEX = """<!doctype html>
<html><head><meta charset="utf-8"><title>Loopback test shop</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Loopback test shop</h1>
<p id="offer">Offer: 100 tablets, contact seller-7731.</p>
<p><a id="long" href="/long">A long page</a></p>
</body></html>
"""

STYLE = "body { font-family: sans-serif; background: #fafafa; } h1 { color: #803; }"


def long_page(screens: int = 12, screen_height: int = 700) -> str:
    blocks = "\n".join(
        f'<div style="height:{screen_height}px;background:hsl({(i * 37) % 360},60%,70%)">'
        f"<h2>Section {i + 1}</h2></div>"
        for i in range(screens)
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Long listing</title></head>'
        f'<body style="margin:0">{blocks}<p id="end">End of listing</p></body></html>'
    )


# A string that must never be found in plaintext on disk after browsing.
CANARY = "CANARY-offer-4f1c9e-tablets"

CANARY_PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{CANARY} title</title></head>
<body><p>{CANARY} in the text</p>
<script>localStorage.setItem("k", "{CANARY} storage"); document.cookie = "c={CANARY}";</script>
</body></html>
"""

# Content appears only once the officer (or the snapshot's walk) scrolls near it.
LAZY_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Lazy listing</title></head>
<body style="margin:0">
<div style="height:6000px;background:linear-gradient(#fff,#9cf)">Scroll for more offers</div>
<img id="late" loading="lazy" src="/pixel.png" width="200" height="200">
<div id="sentinel" style="height:10px"></div>
<script>
new IntersectionObserver(function(entries) {
  if (entries[0].isIntersecting && !document.getElementById("appended")) {
    var p = document.createElement("p"); p.id = "appended";
    p.textContent = "LAZY-OFFER-LOADED"; document.body.appendChild(p);
  }
}).observe(document.getElementById("sentinel"));
</script></body></html>
"""

# A 1x1 PNG.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e226059b0000000049454e44ae426082"
)

REDIRECTS = {"/redirect": "/", "/old-shop": "/redirect"}

# Served as an attachment: the browser downloads it instead of showing it.
PRICE_LIST = b"item;price\ntablets x100;350 EUR\n" * 200
DOWNLOADS = {"/price-list.csv": ("text/csv", PRICE_LIST)}

PAGES: dict[str, tuple[str, bytes]] = {
    "/": ("text/html; charset=utf-8", INDEX.encode()),
    "/style.css": ("text/css", STYLE.encode()),
    "/long": ("text/html; charset=utf-8", long_page().encode()),
    "/canary": ("text/html; charset=utf-8", CANARY_PAGE.encode()),
    "/lazy": ("text/html; charset=utf-8", LAZY_PAGE.encode()),
    "/pixel.png": ("image/png", PIXEL_PNG),
    # Taller than one grab can hold: the snapshot stitches it from tiles.
    "/tall": ("text/html; charset=utf-8", long_page(screens=50, screen_height=800).encode()),
}


class LoopbackSite(LoopbackHttpServer):
    """A site on 127.0.0.1 with a log of request paths and the cookies sent with them."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.cookies: list[tuple[str, str]] = []  # (path, Cookie header) per request
        self._lock = threading.Lock()
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append(self.path)
                    site.cookies.append((self.path, self.headers.get("Cookie", "")))
                if self.path in REDIRECTS:
                    self.send_response(302)
                    self.send_header("Location", REDIRECTS[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path in DOWNLOADS:
                    kind, body = DOWNLOADS[self.path]
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Disposition", 'attachment; filename="prices.csv"')
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                page = PAGES.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                self.answer(200, *page)

        super().__init__(Handler)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)
