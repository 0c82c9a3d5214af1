#!/usr/bin/env python3
"""Import cycles between the engine's top-level modules.

    scripts/module-cycles.py [crates/engine/src]

A module imports another when its code (tests left out) names `crate::other`.
Prints each cycle (a strongly connected group of modules), or "no cycle", then
every module's imports; exits 1 when there is a cycle.
"""
import os
import re
import sys


def imports(root):
    graph = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, root)[:-3].split(os.sep)
            if parts == ["lib"]:
                continue
            top = parts[0]
            source = open(path, encoding="utf-8").read()
            # A module's own tests may reach anywhere.
            source = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", source, flags=re.S)
            uses = set(re.findall(r"crate::([a-z_]+)", source)) - {top}
            graph.setdefault(top, set()).update(uses)
    return {m: {u for u in uses if u in graph} for m, uses in graph.items()}


def cycles(graph):
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


if __name__ == "__main__":
    graph = imports(sys.argv[1] if len(sys.argv) > 1 else "crates/engine/src")
    found = cycles(graph)
    for group in found:
        print("cycle:", " ".join(group))
    if not found:
        print("no cycle")
    for module in sorted(graph):
        print(f"{module} -> {' '.join(sorted(graph[module]))}")
    sys.exit(1 if found else 0)
