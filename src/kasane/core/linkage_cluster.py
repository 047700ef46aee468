"""Clustering of confirmed 名寄せ pairs (``kasane.core.linkage.cluster``; no other
dependency, so the people app's decisions and the benchmarks share it)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Protocol


class _Pair(Protocol):
    @property
    def a(self) -> Hashable: ...

    @property
    def b(self) -> Hashable: ...


def cluster(pairs: Iterable[_Pair | tuple[Hashable, Hashable]]) -> list[set[Hashable]]:
    """Connected components (union–find) of the given pairs: if a~b and b~c, {a, b, c}.

    Pass only the pairs a coordinator confirmed (or, in benchmarks, the candidates). Groups
    come out in order of first appearance; singletons are not listed.
    """
    parent: dict[Hashable, Hashable] = {}

    def find(x: Hashable) -> Hashable:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for p in pairs:
        a, b = p if isinstance(p, tuple) else (p.a, p.b)
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    groups: dict[Hashable, set[Hashable]] = {}
    for x in parent:
        groups.setdefault(find(x), set()).add(x)
    return [g for g in groups.values() if len(g) > 1]
