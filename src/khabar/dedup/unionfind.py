"""Union-find over integer ids, with path halving. Deterministic: a set's root is always its
smallest member, whatever order the unions come in. Plain lists: scalar access to them is several
times faster in Python than to a numpy array."""

from __future__ import annotations


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def roots(self) -> list[int]:
        """The root of every element."""
        return [self.find(i) for i in range(len(self.parent))]
