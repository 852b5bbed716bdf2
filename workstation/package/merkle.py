"""An RFC 6962 Merkle tree over the package's per-item leaves, with inclusion proofs.

Leaf hash  SHA-256(0x00 || data); interior node  SHA-256(0x01 || left || right); a tree of
n leaves splits at k, the largest power of two smaller than n (RFC 6962 section 2.1).
The prefixes keep a leaf from ever passing for an interior node. An inclusion proof
(RFC 6962 "audit path") is the list of sibling hashes from the leaf up to the root; a
recipient recomputes the root from one leaf and its proof without seeing the others.

This module builds trees; the standalone verifier shipped in every package checks
proofs with its own, iterative implementation (RFC 9162 section 2.1.3.2), and the
tests hold the two against each other.
"""

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()  # RFC 6962: the hash of an empty tree


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than size (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of the given leaf hashes (not leaf data)."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    # Pairing left to right and carrying an odd last node up unchanged gives exactly
    # RFC 6962's recursive split, without recursion.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` (RFC 6962 PATH(m, D[n])), nearest sibling first."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaves)} leaves")
    return _path(index, leaves)


def _path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*_path(index, leaves[:k]), root(leaves[k:])]
    return [*_path(index - k, leaves[k:]), root(leaves[:k])]


def all_inclusion_proofs(leaves: Sequence[bytes]) -> list[list[bytes]]:
    """Every leaf's audit path at once, in O(n log n) (one pass per level)."""
    proofs: list[list[bytes]] = [[] for _ in leaves]
    _collect(list(range(len(leaves))), leaves, proofs)
    return proofs


def _collect(indices: list[int], leaves: Sequence[bytes], proofs: list[list[bytes]]) -> bytes:
    """Append each leaf's siblings, deepest first, and return this subtree's hash."""
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    left = _collect(indices[:k], leaves[:k], proofs)
    right = _collect(indices[k:], leaves[k:], proofs)
    for index in indices[:k]:
        proofs[index].append(right)
    for index in indices[k:]:
        proofs[index].append(left)
    return node_hash(left, right)


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """True when ``proof`` proves ``leaf`` is leaf ``index`` of the ``size``-leaf tree."""
    if not 0 <= index < size:
        return False
    return _root_from_path(index, size, leaf, list(proof)) == expected_root


def _root_from_path(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes | None:
    # The recursive mirror of _path: the last element of the proof is the top-level sibling.
    if size == 1:
        return leaf if not proof else None
    if not proof:
        return None
    k = _split(size)
    sibling = proof[-1]
    if index < k:
        below = _root_from_path(index, k, leaf, proof[:-1])
        return None if below is None else node_hash(below, sibling)
    below = _root_from_path(index - k, size - k, leaf, proof[:-1])
    return None if below is None else node_hash(sibling, below)
