"""A small, fast Turtle writer for the per-dataset graphs.

rdflib's Turtle serializer spends most of its time computing prefixed names and
sorting (it is the largest cost of a cold catalogue). This writer produces the
same kind of document — subjects grouped, ``a`` for ``rdf:type``, blank nodes
used once written inline as ``[ … ]``, prefixed names from one fixed table —
with plain dictionary look-ups. Graphs held in a
:class:`~ckanext.sach.dcat.store.DatasetStore` are read straight from its index.
The output is checked by the round-trip and SHACL tests, which parse it with
rdflib, and by a property test against rdflib's own parser.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ckanext.sach.dcat.store import DatasetStore

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$")
#: characters that must be escaped in a Turtle IRI (``\u`` escapes are not allowed there)
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                                 "\b": "\\b", "\f": "\\f"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_XSD_STRING = str(XSD.string)


def _control(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04X}"


def string(text: str) -> str:
    """A Turtle short string literal."""
    out = text.translate(_STRING_ESCAPES)
    if _CONTROL.search(out):
        out = _CONTROL.sub(_control, out)
    return f'"{out}"'


def _index(g: Graph) -> dict[Any, dict[Any, dict[Any, None]]]:
    store = g.store
    if isinstance(store, DatasetStore):
        return store.spo
    spo: dict[Any, dict[Any, dict[Any, None]]] = {}
    for s, p, o in g:
        spo.setdefault(s, {}).setdefault(p, {})[o] = None
    return spo


def _node_key(node: Any) -> tuple[bool, str]:
    return isinstance(node, BNode), str(node)


def _predicate_key(node: Any) -> tuple[bool, str]:
    return node != RDF.type, str(node)


class Writer:
    def __init__(self, prefixes: Iterable[tuple[str, str]]) -> None:
        self.prefixes = sorted(prefixes)
        self._by_ns = {ns: p for p, ns in self.prefixes if p}
        self._names: dict[str, str] = {}

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes if p) + "\n"

    def uri(self, uri: str) -> str:
        name = self._names.get(uri)
        if name is None:
            name = self._compute_qname(uri)
            if len(self._names) < 20000:
                self._names[uri] = name
        return name

    def _compute_qname(self, uri: str) -> str:
        for sep in ("#", "/"):
            cut = uri.rfind(sep)
            if cut < 0:
                continue
            ns, local = uri[: cut + 1], uri[cut + 1:]
            prefix = self._by_ns.get(ns)
            if prefix is not None and (local == "" or _LOCAL.match(local)):
                return f"{prefix}:{local}"
        if _IRI_BAD.search(uri):
            return URIRef(uri).n3()  # rdflib refuses what Turtle cannot carry
        return f"<{uri}>"

    def term(self, node: Any) -> str:
        if type(node) is URIRef or isinstance(node, URIRef):
            return self.uri(node)
        if isinstance(node, Literal):
            text = string(node)
            if node.language:
                return f"{text}@{node.language}"
            datatype = node.datatype
            if datatype is not None and datatype != _XSD_STRING:
                return f"{text}^^{self.uri(datatype)}"
            return text
        return node.n3()

    def serialize(self, g: Graph) -> str:
        spo = _index(g)
        refs: dict[BNode, int] = {}
        for by_p in spo.values():
            for objects in by_p.values():
                for o in objects:
                    if type(o) is BNode:
                        refs[o] = refs.get(o, 0) + 1
        inline = {b for b, n in refs.items() if n == 1 and b in spo}
        # a blank node referenced once from inside a cycle of such nodes would never be
        # written: those are written as subjects of their own
        reached: set = set()
        todo = [s for s in spo if s not in inline]
        while todo:
            for objects in spo[todo.pop()].values():
                for o in objects:
                    if o in inline and o not in reached:
                        reached.add(o)
                        todo.append(o)
        inline &= reached
        out = []
        for s in sorted((s for s in spo if s not in inline), key=_node_key):
            out.append(f"{self.term(s)} {self._predicates(spo, s, inline, 1, {s})} .\n")
        return "".join(out)

    def _predicates(self, spo: dict, s: Any, inline: set, depth: int, path: set) -> str:
        by_p = spo[s]
        indent = "    " * depth
        parts = []
        for p in sorted(by_p, key=_predicate_key):
            verb = "a" if p == RDF.type else self.uri(p)
            objects = []
            for o in sorted(by_p[p], key=str):
                if o in inline and o not in path:
                    objects.append("[ " + self._predicates(spo, o, inline, depth + 1, path | {o}) + " ]")
                else:
                    objects.append(self.term(o))
            sep = ",\n        " if len(objects) > 1 and depth == 1 else ", "
            parts.append(f"{verb} " + sep.join(objects))
        return (" ;\n" + indent).join(parts)
