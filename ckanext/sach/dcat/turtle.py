"""A small, fast Turtle writer for the per-dataset graphs.

rdflib's Turtle serializer spends most of its time computing prefixed names and
sorting (it is the largest cost of a cold catalogue). This writer produces the
same kind of document — subjects grouped, ``a`` for ``rdf:type``, blank nodes
used once written inline as ``[ … ]``, prefixed names from one fixed table —
with plain dictionary look-ups. The output is checked by the round-trip and
SHACL tests, which parse it with rdflib.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$")


class Writer:
    def __init__(self, prefixes: Iterable[tuple[str, str]]) -> None:
        self.prefixes = sorted(prefixes)
        self._by_ns = {ns: p for p, ns in self.prefixes if p}
        self._qname = lru_cache(maxsize=8192)(self._compute_qname)

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes if p) + "\n"

    def _compute_qname(self, uri: str) -> str:
        for sep in ("#", "/"):
            cut = uri.rfind(sep)
            if cut < 0:
                continue
            ns, local = uri[: cut + 1], uri[cut + 1:]
            prefix = self._by_ns.get(ns)
            if prefix is not None and (local == "" or _LOCAL.match(local)):
                return f"{prefix}:{local}"
        return URIRef(uri).n3()

    def term(self, node) -> str:
        if isinstance(node, URIRef):
            return self._qname(str(node))
        if isinstance(node, Literal):
            text = Literal(str(node)).n3()
            if node.language:
                return f"{text}@{node.language}"
            if node.datatype is not None and node.datatype != XSD.string:
                return f"{text}^^{self._qname(str(node.datatype))}"
            return text
        return node.n3()

    def serialize(self, g: Graph) -> str:
        refs: dict[BNode, int] = {}
        for o in g.objects():
            if isinstance(o, BNode):
                refs[o] = refs.get(o, 0) + 1
        inline = {b for b, n in refs.items() if n == 1}
        subjects = {s for s in g.subjects() if s not in inline}
        out: list[str] = []
        for s in sorted(subjects, key=lambda x: (isinstance(x, BNode), str(x))):
            out.append(f"{self.term(s)} {self._predicates(g, s, inline, 1)} .\n")
        return "".join(out)

    def _predicates(self, g: Graph, s, inline: set, depth: int) -> str:
        by_p: dict = {}
        for p, o in g.predicate_objects(s):
            by_p.setdefault(p, []).append(o)
        indent = "    " * depth
        parts = []
        for p in sorted(by_p, key=lambda x: (x != RDF.type, str(x))):
            verb = "a" if p == RDF.type else self.term(p)
            objects = []
            for o in sorted(by_p[p], key=str):
                if isinstance(o, BNode) and o in inline and o != s:
                    objects.append("[ " + self._predicates(g, o, inline, depth + 1) + " ]")
                else:
                    objects.append(self.term(o))
            parts.append(f"{verb} " + ",\n        ".join(objects) if len(objects) > 1 and depth == 1
                         else f"{verb} " + ", ".join(objects))
        return (" ;\n" + indent).join(parts)
