"""Case-file benchmark: SQLCipher beside plain sqlite3, same schema, same code.

100,000 contact entries and 10,000 evidence items go into a real encrypted
case (through the Case API) and into a plain, unencrypted sqlite3 database
built by the same migrations and filled by the same record functions. Prints
side by side: insert rates, full-text search latency (p50/p95 over realistic
queries), open time without the key derivation, the key derivation itself, and
the file sizes. Targets: search p95 <= 50 ms, insert >= 5,000 entries/s,
SQLCipher <= 2x plain sqlite3.

Run: .venv/bin/python bench/casefile.py   (BENCH_CONTACTS / BENCH_EVIDENCE scale it)
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import sqlcipher3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workstation import canonjson  # noqa: E402
from workstation.casefile import (  # noqa: E402  # noqa: E402
    ArtifactData,
    Case,
    ContactDraft,
    Counterpart,
    KdfParams,
    audit,
    contacts,
    evidence_store,
    fts,
    heads,
    keyslot,
    migrations,
    personas,
)
from workstation.casefile.store import CACHE_SIZE, Connection, transaction  # noqa: E402

CONTACTS = int(os.environ.get("BENCH_CONTACTS", "100000"))
EVIDENCE = int(os.environ.get("BENCH_EVIDENCE", "10000"))
BATCH = 1000
START = datetime(2024, 5, 1, tzinfo=UTC)
SEARCH_REPEATS = 15
PASSPHRASE = "benchmark passphrase"
ACTOR = "PC 1234"
PERSONAS = ("Night Owl", "Magpie", "Heron")
QUERIES = (
    "tablets",
    "ivory antwerp",
    '"5 EUR"',
    "ship*",
    "seller_42",
    "rotterdam -tablets",
    "bitcoin OR monero",
    "pangolin scales",
    "shop-17.example",
    "cash on delivery",
    '"tracking number"',
    "escrow*",
)

# Chat text follows Zipf's law: a few words are everywhere, most are rare. The
# vocabulary mixes common words, trade words and a long tail of names, places and
# product codes, drawn with weights 1/rank, so that a query word matches as many
# entries as it would in a real log.
COMMON = [
    "the",
    "a",
    "to",
    "and",
    "i",
    "you",
    "it",
    "is",
    "for",
    "of",
    "in",
    "we",
    "can",
    "have",
    "on",
    "will",
    "be",
    "with",
    "this",
    "that",
    "send",
    "your",
    "me",
    "my",
    "at",
    "ok",
    "yes",
    "no",
    "how",
    "much",
    "price",
    "pay",
    "when",
    "now",
    "today",
    "tomorrow",
    "please",
    "thanks",
]
TRADE = [
    "tablets",
    "pills",
    "powder",
    "ivory",
    "carvings",
    "pangolin",
    "scales",
    "rhino",
    "horn",
    "cigarettes",
    "tobacco",
    "watches",
    "handbags",
    "sneakers",
    "perfume",
    "pistol",
    "ammunition",
    "gram",
    "kilo",
    "shipping",
    "delivery",
    "tracking",
    "number",
    "parcel",
    "courier",
    "post",
    "rotterdam",
    "antwerp",
    "hamburg",
    "felixstowe",
    "escrow",
    "bitcoin",
    "monero",
    "cash",
    "transfer",
    "discount",
    "sample",
    "quality",
    "stealth",
    "vacuum",
    "sealed",
    "discreet",
    "payment",
    "wallet",
    "address",
    "order",
    "confirm",
    "stock",
    "batch",
    "original",
    "certified",
    "replica",
    "customs",
]
TAIL = [f"{stem}{n}" for n in range(400) for stem in ("item", "lot", "ref", "code", "name")]
VOCABULARY = COMMON + TRADE + TAIL
WEIGHTS = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]


def rng_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(VOCABULARY, weights=WEIGHTS, k=words))


def make_drafts(count: int, seed: int = 1) -> list[ContactDraft]:
    rng = random.Random(seed)
    drafts = []
    for n in range(count):
        seller = rng.randrange(500)
        counterparts = [Counterpart("handle", f"@seller_{seller}")]
        if n % 3 == 0:
            counterparts.append(Counterpart("email", f"seller{seller}@shop-{seller % 40}.example"))
        if n % 7 == 0:
            counterparts.append(Counterpart("url", f"https://shop-{seller % 40}.example/item/{n}"))
        # Logged as it happens: times increase (every 25 s from 1 May 2024).
        occurred = START + timedelta(seconds=25 * n)
        drafts.append(
            ContactDraft(
                persona=PERSONAS[n % len(PERSONAS)],
                channel=rng.choice(("Telegram", "Signal", "Wickr", "e-mail", "marketplace")),
                counterparts=tuple(counterparts),
                direction="in" if n % 2 else "out",
                content=f"{rng_text(rng, rng.randint(8, 60))} {rng.randint(1, 999)} EUR",
                occurred_utc=occurred.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
        )
    return drafts


def make_evidence(count: int, seed: int = 2) -> list[tuple[str, bytes, list[ArtifactData]]]:
    rng = random.Random(seed)
    items = []
    for n in range(count):
        url = f"https://shop-{n % 40}.example/listing/{n}"
        manifest = canonjson.dumps(
            {"format": "bench", "title": f"Listing {n}: {rng_text(rng, 6)}", "final_url": url}
        )
        page = rng_text(rng, 150).encode()
        items.append((f"CN-{n:06d}", manifest, [ArtifactData("page.txt", "text/plain", page)]))
    return items


# -- the two databases ---------------------------------------------------------------------


def plain_connect(path: Path) -> Connection:
    """Plain sqlite3 with the same settings as the case store (store.py), minus the key."""
    conn: Connection = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        f"PRAGMA cache_size = {CACHE_SIZE}",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA foreign_keys = ON",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA synchronous = FULL",
    ):
        conn.execute(pragma)
    return conn


@contextmanager
def plain_write(conn: Connection, case_id: str) -> Iterator[Connection]:
    """What Case._write does: one transaction, a signed head every 100 events."""
    with transaction(conn):
        yield conn
        if heads.due(conn):
            heads.sign_now(conn, case_id, ACTOR, "every 100 events")


def plain_setup(path: Path) -> Connection:
    conn = plain_connect(path)
    migrations.migrate(conn, path)
    with plain_write(conn, "bench") as writing:
        writing.execute("INSERT OR REPLACE INTO case_info (key, value) VALUES ('case_id', 'bench')")
        audit.append(writing, "case.created", ACTOR, {"case_id": "bench"})
        heads.create_key(writing, ACTOR)
        for alias in PERSONAS:
            personas.add(writing, ACTOR, alias, {})
    return conn


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# -- the workload, once per database -----------------------------------------------------


def fill_case(path: Path, drafts: list[ContactDraft], evidence: list[Any]) -> dict[str, float]:
    case = Case.create(path, PASSPHRASE, title="bench", officer=ACTOR)
    for alias in PERSONAS:
        case.add_persona(alias)
    figures = {
        "contacts": timed(
            lambda: [case.add_contacts(drafts[i : i + BATCH]) for i in range(0, len(drafts), BATCH)]
        ),
        "evidence": timed(lambda: insert_evidence_case(case, evidence)),
    }
    case.close()
    return figures


def insert_evidence_case(case: Case, evidence: list[Any]) -> None:
    # Sealing is one transaction per exhibit in real use; batching here keeps the
    # benchmark about the database, not about fsync, and matches the plain run.
    for start in range(0, len(evidence), BATCH):
        with case._write() as conn:
            for control, manifest, artifacts in evidence[start : start + BATCH]:
                insert_one_evidence(conn, control, manifest, artifacts)


def insert_one_evidence(conn: Connection, control: str, manifest: bytes, artifacts: Any) -> None:
    hashed = [(a, __import__("hashlib").sha256(a.data).hexdigest()) for a in artifacts]
    evidence_store.insert(
        conn, ACTOR, control_number=control, manifest=manifest, hashed=hashed, extra={}
    )


def fill_plain(path: Path, drafts: list[ContactDraft], evidence: list[Any]) -> dict[str, float]:
    conn = plain_setup(path)

    def add_contacts() -> None:
        for start in range(0, len(drafts), BATCH):
            checked = [contacts.check_draft(d) for d in drafts[start : start + BATCH]]
            with plain_write(conn, "bench") as writing:
                batch = contacts.Batch(writing, ACTOR)
                for draft in checked:
                    batch.add(draft)
                batch.finish()

    def add_evidence() -> None:
        for start in range(0, len(evidence), BATCH):
            with plain_write(conn, "bench") as writing:
                for control, manifest, artifacts in evidence[start : start + BATCH]:
                    insert_one_evidence(writing, control, manifest, artifacts)

    figures = {"contacts": timed(add_contacts), "evidence": timed(add_evidence)}
    conn.close()
    return figures


def search_latencies(search: Callable[[str], Any]) -> list[float]:
    for query in QUERIES:  # warm the page cache once, as an officer's session would
        search(query)
    return [timed(partial(search, query)) for _ in range(SEARCH_REPEATS) for query in QUERIES]


def case_search_and_open(path: Path) -> dict[str, Any]:
    slot = keyslot.read(path / "keyslot.json")
    kdf_times = []
    for _ in range(3):
        start = time.perf_counter()
        key = keyslot.unlock(slot, PASSPHRASE)
        kdf_times.append(time.perf_counter() - start)
    opens = []
    for _ in range(9):
        start = time.perf_counter()
        case = Case._open_with_key(path, slot, bytearray(key), ACTOR)
        opens.append(time.perf_counter() - start)
        case._ready = False
        case.close()
    with Case._open_with_key(path, slot, bytearray(key), ACTOR) as case:
        latencies = search_latencies(case.search)
        hits = sum(len(case.search(q)) for q in QUERIES)
    return {"kdf": statistics.median(kdf_times), "open": statistics.median(opens),
            "search": latencies, "hits": hits}  # fmt: skip


def unkeyed_search(path: Path) -> list[float]:
    """The plain file searched through sqlcipher3 without a key: SQLCipher's SQLite build
    (its version and compile options) without encryption, to tell the two costs apart."""
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA cache_size = {CACHE_SIZE}")
    latencies = search_latencies(partial(fts.search, conn, limit=50))
    conn.close()
    return latencies


def plain_search_and_open(path: Path) -> dict[str, Any]:
    opens = []
    for _ in range(9):
        start = time.perf_counter()
        conn = plain_connect(path)
        migrations.check_not_too_new(conn)
        conn.execute("SELECT value FROM case_info WHERE key = 'case_id'").fetchone()
        with plain_write(conn, "bench") as writing:
            audit.append(writing, "case.opened", ACTOR, {})
        opens.append(time.perf_counter() - start)
        conn.close()
    conn = plain_connect(path)
    latencies = search_latencies(lambda q: fts.search(conn, q, 50))
    conn.close()
    return {"open": statistics.median(opens), "search": latencies}


# -- report ----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def row(
    label: str,
    cipher: float,
    plain: float | None,
    unit: str,
    fmt: str = "{:,.1f}",
    *,
    rate: bool = False,
) -> str:
    """One line; the last column is SQLCipher's cost relative to plain sqlite3 (time ratio)."""
    ratio = "" if not plain else f"{(plain / cipher if rate else cipher / plain):.2f}x"
    plain_text = fmt.format(plain) if plain is not None else "n/a"
    return f"{label:38}{fmt.format(cipher):>14}{plain_text:>16}  {unit:10}{ratio:>7}"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="casefile-bench-"))
    try:
        print(f"Preparing {CONTACTS:,} contact drafts and {EVIDENCE:,} evidence items...")
        drafts, evidence = make_drafts(CONTACTS), make_evidence(EVIDENCE)
        case_path, plain_path = work / "bench.case", work / "plain.db"
        print("Filling the SQLCipher case...")
        cipher = fill_case(case_path, drafts, evidence)
        print("Filling plain sqlite3...")
        plain = fill_plain(plain_path, drafts, evidence)
        print("Searching and opening...")
        cipher_read = case_search_and_open(case_path)
        plain_read = plain_search_and_open(plain_path)
        unkeyed = unkeyed_search(plain_path)
        kdf = KdfParams()
        ms = 1000.0
        lines = [
            f"{'':38}{'SQLCipher':>14}{'plain sqlite3':>16}  {'unit':10}{'cost':>7}",
            row("contact entries inserted", CONTACTS / cipher["contacts"],
                CONTACTS / plain["contacts"], "entries/s", "{:,.0f}", rate=True),
            row("evidence items inserted", EVIDENCE / cipher["evidence"],
                EVIDENCE / plain["evidence"], "items/s", "{:,.0f}", rate=True),
            row("search p50", percentile(cipher_read["search"], 0.5) * ms,
                percentile(plain_read["search"], 0.5) * ms, "ms"),
            row("search p95", percentile(cipher_read["search"], 0.95) * ms,
                percentile(plain_read["search"], 0.95) * ms, "ms"),
            row("open without the KDF (median)", cipher_read["open"] * ms,
                plain_read["open"] * ms, "ms"),
            row(f"KDF Argon2id t={kdf.time_cost} m={kdf.memory_kib // 1024} MiB "
                f"p={kdf.parallelism}", cipher_read["kdf"] * ms, None, "ms"),
            row("file size", (case_path / "case.db").stat().st_size / 2**20,
                plain_path.stat().st_size / 2**20, "MiB"),
        ]  # fmt: skip
        print()
        print("\n".join(lines))
        print(
            f"\nSearch p50/p95 on the plain file through sqlcipher3 without a key (SQLite "
            f"{sqlcipher3.sqlite_version} as SQLCipher builds it, no encryption; stdlib is "
            f"{sqlite3.sqlite_version}): {percentile(unkeyed, 0.5) * ms:.1f} / "
            f"{percentile(unkeyed, 0.95) * ms:.1f} ms"
        )
        print(
            f"\n{len(QUERIES)} queries x {SEARCH_REPEATS} runs, 50 hits max each "
            f"({cipher_read['hits']:,} hits in one pass); batches of {BATCH}; "
            "synchronous=FULL, rollback journal, one audit event per record."
        )
        print("Targets: search p95 <= 50 ms, insert >= 5,000 entries/s, SQLCipher <= 2x plain.")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
