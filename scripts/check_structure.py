#!/usr/bin/env python3
"""Checks the shape of the code, so that it stays one a newcomer can walk through:

1. layering: each top-level module of the `app` crate belongs to a layer, and may use only
   modules of its own layer or below (domain -> storage helpers -> protocol -> features ->
   pages/router); no import circle between modules or between files;
2. size: no source file over 400 lines, not counting a `#[cfg(test)]` module at its end.

Reads `use` lines and `crate::` paths as text; exits 1 with the reasons when a rule is broken.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
APP = ROOT / "app" / "src"
MAX_LINES = 400

# Lower layers first. A module may use modules of its own layer or of any layer below it.
LAYERS = [
    ["domain", "error"],                               # pure rules and the one error type
    ["db", "state", "guard"],                          # storage, application state, limits
    ["auth", "org", "ui", "audit", "bundle"],          # who is asking, where they may act, the log; which code a page loads
    ["sync", "outbox"],                                # the protocol, server and phone sides
    ["activity", "leave", "checkin", "roster", "survey", "setup", "school", "bureau", "drive"],  # features
    ["branch", "records"],                             # figures over features; the protocol seam
    ["rating"],                                        # the rating over the figures and registers
    ["plan", "letter"],                                # the annual plan and the commitment letter, read and approved as the rating is
    ["lib"],                                           # the router and the page shell
]
LAYER_OF = {m: i for i, layer in enumerate(LAYERS) for m in layer}

PATH_RE = re.compile(r"\b((?:crate|(?:super::)+|self::))([a-z_][a-z0-9_]*)((?:::[a-z_][a-z0-9_]*)*)")
GROUP_RE = re.compile(r"\buse\s+((?:crate|(?:super::)+|self))::\{([^;]*)\};", re.S)


def module_of(path):
    rel = path.relative_to(APP).with_suffix("")
    parts = list(rel.parts)
    return parts[0] if parts else "lib"


def code_of(path):
    """The file's text without comments and without a trailing #[cfg(test)] module."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("#[cfg(test)]") and all(
            not l.strip() or l.startswith((" ", "\t", "}", "mod ", "#[", "//")) for l in lines[i + 1:]
        ):
            lines = lines[:i]
            break
    return lines


def resolve(segments):
    """The file a `crate::a::b::c` path points into: the deepest existing module file."""
    best = None
    for n in range(1, len(segments) + 1):
        base = APP.joinpath(*segments[:n])
        for candidate in (base.with_suffix(".rs"), base / "mod.rs"):
            if candidate.is_file():
                best = candidate
    return best


def module_path(path):
    """The module a file defines, as segments below the crate: a/b.rs and a/b/mod.rs are a::b."""
    rel = list(path.relative_to(APP).with_suffix("").parts)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return rel


def absolute(head, here):
    """The crate-relative segments a path head (`crate`, `self::`, `super::super::`) stands for."""
    if head == "crate":
        return []
    if head in ("self", "self::"):
        return list(here)
    ups = head.count("super")
    return list(here[: len(here) - ups]) if ups <= len(here) else []


def references(lines, path):
    """Every path the file names, as crate-relative segments."""
    here = module_path(path)
    text = "\n".join(l.split("//")[0] for l in lines)
    refs = []
    for m in PATH_RE.finditer(text):
        head = m.group(1)
        refs.append(absolute(head, here) + [m.group(2)] + [s for s in m.group(3).split("::") if s])
    for m in GROUP_RE.finditer(text):
        base = absolute(m.group(1), here)
        for item in re.split(r",(?![^{]*})", m.group(2)):
            item = item.strip()
            if item:
                refs.append(base + re.findall(r"[a-z_][a-z0-9_]*", item.split("{")[0]))
    return [r for r in refs if r]


def find_cycle(graph):
    color, stack = {}, []

    def visit(node):
        color[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if color.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in color:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        color[node] = 2
        return None

    for node in sorted(graph):
        if node not in color:
            found = visit(node)
            if found:
                return found
    return None


def main():
    problems = []
    files = sorted(APP.rglob("*.rs"))
    module_graph, file_graph = {}, {}
    for path in files:
        lines = code_of(path)
        rel = path.relative_to(ROOT)
        module = module_of(path)
        if module not in LAYER_OF:
            problems.append(f"{rel}: module `{module}` has no layer in scripts/check_structure.py")
            continue
        for segments in references(lines, path):
            target = segments[0]
            if target == module or target not in LAYER_OF:
                pass
            else:
                module_graph.setdefault(module, set()).add(target)
                if LAYER_OF[target] > LAYER_OF[module]:
                    problems.append(
                        f"{rel}: uses `crate::{target}`, a higher layer than `{module}` "
                        f"(layers, lowest first: {LAYERS})"
                    )
            target_file = resolve(segments)
            # A module's own file naming its children (`pub use child::…`) is its facade, not
            # a dependency: only edges that leave the module's subtree count.
            is_parent = path.name in ("mod.rs", "lib.rs") and target_file is not None and (
                module_path(target_file)[: len(module_path(path))] == module_path(path)
            )
            if target_file and target_file != path and not is_parent:
                file_graph.setdefault(str(rel), set()).add(str(target_file.relative_to(ROOT)))
    cycle = find_cycle(module_graph)
    if cycle:
        problems.append("import circle between modules: " + " -> ".join(cycle))
    cycle = find_cycle(file_graph)
    if cycle:
        problems.append("import circle between files: " + " -> ".join(cycle))

    for top in ("app", "domain", "server", "fuzz"):
        for path in sorted((ROOT / top).rglob("*.rs")):
            if "target" in path.parts or path.parent.name == "tests" or "tests" in path.relative_to(ROOT / top).parts:
                continue
            n = len(code_of(path))
            if n > MAX_LINES:
                problems.append(
                    f"{path.relative_to(ROOT)}: {n} lines before its tests (at most {MAX_LINES}: split it by concern)"
                )

    if problems:
        print("structure check failed:")
        for p in problems:
            print("  - " + p)
        return 1
    print(f"structure check: {len(files)} files of app/src layered, no circle, none over {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
