"""The package's Merkle tree: RFC 6962's reference vectors, and the workstation's builder
held against the standalone verifier's own (iterative) implementation."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workstation.package import merkle
from workstation.package import standalone_verifier as standalone

# Certificate Transparency's reference inputs and tree heads (RFC 6962 test data, as
# published with the CT reference implementations' tests).
CT_INPUTS = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f")
]  # fmt: skip
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PROOFS = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (0, 1, []),
]  # fmt: skip
LEAVES = [merkle.leaf_hash(data) for data in CT_INPUTS]


def recursive_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH written exactly as the RFC defines it, for comparison."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(recursive_root(leaves[:k]), recursive_root(leaves[k:]))


def test_the_empty_tree_and_the_reference_roots() -> None:
    assert merkle.root([]) == hashlib.sha256(b"").digest() == standalone.merkle_root([])
    for size, expected in enumerate(CT_ROOTS, start=1):
        assert merkle.root(LEAVES[:size]).hex() == expected
        assert standalone.merkle_root(LEAVES[:size]).hex() == expected


@pytest.mark.parametrize(("index", "size", "proof"), CT_PROOFS)
def test_the_reference_inclusion_proofs(index: int, size: int, proof: list[str]) -> None:
    leaves = LEAVES[:size]
    assert [p.hex() for p in merkle.inclusion_proof(index, leaves)] == proof
    assert [p.hex() for p in merkle.all_inclusion_proofs(leaves)[index]] == proof
    siblings = [bytes.fromhex(p) for p in proof]
    root = bytes.fromhex(CT_ROOTS[size - 1])
    assert merkle.verify_inclusion(index, size, leaves[index], siblings, root)
    assert standalone.root_from_proof(index, size, leaves[index], siblings) == root


def test_a_proof_fails_for_another_leaf_position_size_or_a_changed_sibling() -> None:
    index, size, proof = CT_PROOFS[1]
    siblings = [bytes.fromhex(p) for p in proof]
    root = bytes.fromhex(CT_ROOTS[size - 1])
    leaf = LEAVES[index]
    assert not merkle.verify_inclusion(index, size, LEAVES[index - 1], siblings, root)
    assert not merkle.verify_inclusion(index + 1, size, leaf, siblings, root)
    # A proof alone does not always fix the tree's size (leaf 5 of 7 and of 8 share this
    # path's shape); the package binds the size by naming it in the signed head.
    assert not merkle.verify_inclusion(index, size - 2, leaf, siblings, root)
    assert not merkle.verify_inclusion(index, size, leaf, siblings[:-1], root)
    assert not merkle.verify_inclusion(index, size, leaf, [*siblings, siblings[0]], root)
    assert not merkle.verify_inclusion(size, size, leaf, siblings, root)
    changed = [siblings[0][:-1] + bytes([siblings[0][-1] ^ 1]), *siblings[1:]]
    assert not merkle.verify_inclusion(index, size, leaf, changed, root)
    for wrong in ((index - 1, size), (index, size + 1), (index, size - 2)):
        assert standalone.root_from_proof(*wrong, leaf, siblings) != root
    assert standalone.root_from_proof(index, size, leaf, siblings[:-1]) != root
    with pytest.raises(IndexError):
        merkle.inclusion_proof(size, LEAVES)


def test_a_leaf_cannot_pass_for_an_interior_node() -> None:
    # The 0x00 / 0x01 prefixes: the two children of a node hashed as one leaf give
    # another hash than the node itself.
    left, right = LEAVES[0], LEAVES[1]
    assert merkle.leaf_hash(left + right) != merkle.node_hash(left, right)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True), st.data())
def test_builder_and_standalone_verifier_agree(
    leaves_data: list[bytes], data: st.DataObject
) -> None:
    leaves = [merkle.leaf_hash(item) for item in leaves_data]
    root = merkle.root(leaves)
    assert root == recursive_root(leaves) == standalone.merkle_root(leaves)
    proofs = merkle.all_inclusion_proofs(leaves)
    index = data.draw(st.integers(0, len(leaves) - 1))
    assert proofs[index] == merkle.inclusion_proof(index, leaves)
    assert merkle.verify_inclusion(index, len(leaves), leaves[index], proofs[index], root)
    assert standalone.root_from_proof(index, len(leaves), leaves[index], proofs[index]) == root
    # The same proof for any other position or size leads elsewhere.
    other = data.draw(st.integers(0, len(leaves)))
    if other != index:
        assert standalone.root_from_proof(other, len(leaves), leaves[index], proofs[index]) != root
