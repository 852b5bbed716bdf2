"""Cases for tests: real SQLCipher cases with a cheap KDF so tests stay quick."""

from pathlib import Path

from workstation.casefile import Case, KdfParams

FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
PASSPHRASE = "correct horse battery staple"


def fast_case(path: Path, passphrase: str = PASSPHRASE, title: str = "test case") -> Case:
    return Case.create(
        path, passphrase, title=title, officer="test officer", kdf=FAST_KDF, allow_weak_kdf=True
    )
