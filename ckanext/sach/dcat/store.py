"""A small in-memory rdflib store for the graph of one dataset.

rdflib's default ``Memory`` store keeps every triple in several indexes *per
context* and builds a generator of contexts for each match; for the ~150 triples
of one dataset that bookkeeping costs more than the mapping itself. This store
keeps three plain dictionaries (subject → predicate → objects, and the two
reverse ones), answers patterns with lists (so a profile may add triples while it
iterates over a match, as ckanext-dcat's profiles do) and keeps insertion order,
which makes the serialised output deterministic.

It is used for the per-dataset graphs that the site's DCAT endpoints build
(:class:`ckanext.sach.dcat.serialize.Serializer`); the Turtle writer
(:mod:`ckanext.sach.dcat.turtle`) reads :attr:`DatasetStore.spo` directly. When
:attr:`DatasetStore.shared` is a set, the ``sach_dcat_ap`` profile puts there the
descriptors of the shared nodes it would otherwise describe in the graph.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from rdflib import Graph
from rdflib.store import Store
from rdflib.term import Node, URIRef

_NO_CONTEXTS: tuple = ()

Index = dict[Node, dict[Node, dict[Node, None]]]


class DatasetStore(Store):
    context_aware = False
    formula_aware = False
    graph_aware = False
    transaction_aware = False

    def __init__(self, shared: set[tuple] | None = None) -> None:
        super().__init__()
        self.shared = shared
        self.spo: Index = {}
        self.pos: Index = {}
        self.osp: Index = {}
        self._namespace: dict[str, URIRef] = {}
        self._prefix: dict[URIRef, str] = {}

    # ------------------------------------------------------------- triples
    def add(self, triple: tuple[Node, Node, Node], context: Any, quoted: bool = False) -> None:
        s, p, o = triple
        by_p = self.spo.get(s)
        if by_p is None:
            by_p = self.spo[s] = {}
        objects = by_p.get(p)
        if objects is None:
            objects = by_p[p] = {}
        if o in objects:
            return
        objects[o] = None
        self.pos.setdefault(p, {}).setdefault(o, {})[s] = None
        self.osp.setdefault(o, {}).setdefault(s, {})[p] = None

    def remove(self, triple_pattern: tuple[Any, Any, Any], context: Any = None) -> None:
        for s, p, o in self._match(triple_pattern):
            for index, a, b, c in ((self.spo, s, p, o), (self.pos, p, o, s), (self.osp, o, s, p)):
                level = index[a]
                del level[b][c]
                if not level[b]:
                    del level[b]
                    if not level:
                        del index[a]

    def triples(self, triple_pattern: tuple[Any, Any, Any], context: Any = None
                ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Any]]]:
        return iter([(t, iter(_NO_CONTEXTS)) for t in self._match(triple_pattern)])

    def _match(self, pattern: tuple[Any, Any, Any]) -> list[tuple[Node, Node, Node]]:
        s, p, o = pattern
        if s is not None:
            return self._match_subject(s, p, o)
        if p is not None:
            return self._match_predicate(p, o)
        if o is not None:
            return [(x, y, o) for x, predicates in self.osp.get(o, {}).items() for y in predicates]
        return [(x, y, z) for x, by_p in self.spo.items() for y, objects in by_p.items() for z in objects]

    def _match_subject(self, s: Node, p: Any, o: Any) -> list[tuple[Node, Node, Node]]:
        by_p = self.spo.get(s)
        if not by_p:
            return []
        if p is None:
            if o is not None:
                return [(s, x, o) for x, objects in by_p.items() if o in objects]
            return [(s, x, y) for x, objects in by_p.items() for y in objects]
        objects = by_p.get(p, {})
        if o is not None:
            return [(s, p, o)] if o in objects else []
        return [(s, p, x) for x in objects]

    def _match_predicate(self, p: Node, o: Any) -> list[tuple[Node, Node, Node]]:
        by_o = self.pos.get(p)
        if not by_o:
            return []
        if o is not None:
            return [(x, p, o) for x in by_o.get(o, {})]
        return [(x, p, y) for y, subjects in by_o.items() for x in subjects]

    def __len__(self, context: Any = None) -> int:
        return sum(len(objects) for by_p in self.spo.values() for objects in by_p.values())

    # ---------------------------------------------------------- namespaces
    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        if not override and (prefix in self._namespace or namespace in self._prefix):
            return
        old_ns = self._namespace.pop(prefix, None)
        if old_ns is not None:
            self._prefix.pop(old_ns, None)
        old_prefix = self._prefix.pop(namespace, None)
        if old_prefix is not None:
            self._namespace.pop(old_prefix, None)
        self._namespace[prefix] = namespace
        self._prefix[namespace] = prefix

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespace.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefix.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return iter(list(self._namespace.items()))


class DatasetGraph(Graph):
    """An rdflib graph over a :class:`DatasetStore`.

    ckanext-dcat's profiles bind their ~45 namespaces on the graph for every dataset
    they describe; rdflib makes each binding an update of its prefix trie. Graphs
    written by the site's Turtle writer (which has its own prefix table) skip
    binding altogether (``fixed_prefixes``); the others skip re-binding a prefix to
    the namespace it already has.
    """

    def __init__(self, shared: set[tuple] | None = None,
                 bind_namespaces: Literal["core", "rdflib", "none"] = "none",
                 fixed_prefixes: bool = False) -> None:
        super().__init__(store=DatasetStore(shared), bind_namespaces=bind_namespaces)
        self.fixed_prefixes = fixed_prefixes

    def bind(self, prefix: str | None, namespace: Any, override: bool = True, replace: bool = False) -> None:
        if self.fixed_prefixes:
            return
        if prefix is not None and self.store.namespace(prefix) == URIRef(str(namespace)):
            return
        super().bind(prefix, namespace, override=override, replace=replace)
