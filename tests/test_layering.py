"""The import graph of ``src/khabar``, read with ``ast`` (nothing is imported): no cycles, no private names
taken from another module, and no module importing a module of a higher layer. Two checks at the end do
import khabar, in a subprocess: what loading a module loads, and module names hidden by public names.

Layers, lowest first (a module may import its own layer and those below it, never one above):

0. ``text`` — Arabic text primitives (keys, tokens, display, patterns): depend on nothing of khabar.
1. ``io``, ``record`` — readers and writers, and the output record they read and write.
2. ``refining`` — refine steps: repeated-content repair with its metrics, the dateline with its gazetteer and
   agencies.
3. ``enrich`` — enrichment stages (entities, dates, numbers, quotes, NER) built on the refine tables.
4. ``dedup`` — deduplication's map/reduce pieces (features, MinHash, clusters, index, report).
5. ``engine``, ``pipeline``, ``stages`` — executors, the refine pipeline, the stage registry and runner;
   ``store`` — the article store and search, built on records, io and the text keys.
6. ``dedup.run`` — the dedup orchestrator: reads, refines and writes, so it sits above the pipeline.
7. ``api`` — the public Python entry points.
8. ``cli``, ``show``, ``restore``, and the ``khabar`` package itself — the user-facing top.

A module's layer is that of the longest prefix listed in ``LAYERS`` (``khabar.dedup.run`` is 6, the rest of
``khabar.dedup`` is 4). A package's ``__init__`` is at its package's layer, so a package that re-exports a
higher module makes every import of its lower modules load that higher one (Python runs the package's
``__init__`` first).

Imports inside functions and under ``TYPE_CHECKING`` count too: a deferred import is still a dependency,
and a cycle that only works because one side defers its import is still a cycle. A private name is one
starting with a single ``_`` (``__version__`` is not private); taking it from another module, by
``from m import _x`` or by ``m._x`` on an imported module, couples the two on a detail.

``KNOWN_VIOLATIONS`` lists what is still there, each with who is removing it. The test fails on any new
violation and also when a listed one is gone, so the list only shrinks: delete the entry with the fix.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "khabar"

LAYERS: dict[str, int] = {
    "khabar.text": 0,
    "khabar.io": 1,
    "khabar.record": 1,
    "khabar.refining": 2,
    "khabar.enrich": 3,
    "khabar.dedup": 4,
    "khabar.engine": 5,
    "khabar.pipeline": 5,
    "khabar.stages": 5,
    "khabar.store": 5,
    "khabar.dedup.run": 6,
    "khabar.api": 7,
    "khabar.cli": 8,
    "khabar.show": 8,
    "khabar.restore": 8,
    "khabar": 8,
}

# (kind, importer, imported): kind is "layer" (imported is a module), "private" (imported is module.name)
# or "cycle" (the modules that import each other round a loop: the first by name, then the others).
KNOWN_VIOLATIONS: set[tuple[str, str, str]] = set()


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool


def find_modules() -> dict[str, Module]:
    modules = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        modules[".".join(parts)] = Module(".".join(parts), path, is_package)
    return modules


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass
class Imports:
    modules: set[str]  # khabar modules imported
    private: set[str]  # "module.name" of private names taken from another module


def read_imports(module: Module, modules: dict[str, Module]) -> Imports:
    tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
    found = Imports(set(), set())
    aliases: dict[str, str] = {}  # local name -> khabar module bound to it
    package = module.name if module.is_package else module.name.rpartition(".")[0]

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    found.modules.add(alias.name)
                    if alias.asname:
                        aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            if not (source == PACKAGE or source.startswith(PACKAGE + ".")):
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:  # from khabar.refining import gazetteer
                    found.modules.add(submodule)
                    aliases[alias.asname or alias.name] = submodule
                else:
                    found.modules.add(source)
                    if is_private(alias.name):
                        found.private.add(f"{source}.{alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and is_private(node.attr)
        ):
            found.private.add(f"{aliases[node.value.id]}.{node.attr}")
    found.modules = {name for name in found.modules if name != module.name}
    found.private = {name for name in found.private if name.rpartition(".")[0] != module.name}
    return found


def layer_of(name: str) -> int:
    prefixes = [p for p in LAYERS if name == p or name.startswith(p + ".")]
    if not prefixes:
        raise AssertionError(f"{name} has no layer: add its package to LAYERS in {Path(__file__).name}")
    return LAYERS[max(prefixes, key=len)]


def import_graph() -> tuple[dict[str, set[str]], dict[str, Imports]]:
    modules = find_modules()
    imports = {name: read_imports(module, modules) for name, module in modules.items()}
    for name, found in imports.items():
        for target in found.modules - modules.keys():
            raise AssertionError(f"{name} imports {target}, which is not a module of src/khabar")
    return {name: found.modules for name, found in imports.items()}, imports


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = list(graph[start])
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(graph[name])
    return seen


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Each set of modules that import each other round a loop (a strongly connected component), sorted.

    A hundred modules: reachability from each is quick enough, and plainer than Tarjan's algorithm."""
    reach = {name: reachable(graph, name) for name in graph}
    return {
        tuple(sorted(other for other in reach[name] if name in reach[other]))
        for name in graph
        if name in reach[name]
    }


def violations() -> set[tuple[str, str, str]]:
    graph, imports = import_graph()
    found: set[tuple[str, str, str]] = set()
    for importer, targets in graph.items():
        found.update(("layer", importer, t) for t in targets if layer_of(t) > layer_of(importer))
    for importer, names in imports.items():
        found.update(("private", importer, name) for name in names.private)
    found.update(("cycle", loop[0], " ".join(loop[1:])) for loop in cycles(graph))
    return found


def describe(violation: tuple[str, str, str]) -> str:
    kind, importer, imported = violation
    if kind == "layer":
        return f"{importer} (layer {layer_of(importer)}) imports {imported} (layer {layer_of(imported)})"
    if kind == "private":
        return f"{importer} uses the private name {imported}"
    return f"import cycle: {importer} and {imported} import each other (directly or round a loop)"


def test_no_new_layering_violations() -> None:
    new = sorted(violations() - KNOWN_VIOLATIONS)
    assert not new, "new import violations:\n" + "\n".join(describe(v) for v in new)


def test_known_violations_still_exist() -> None:
    # A fixed violation must leave the list, or the list would hide its return.
    fixed = sorted(KNOWN_VIOLATIONS - violations())
    assert not fixed, "fixed, remove from KNOWN_VIOLATIONS:\n" + "\n".join(map(str, fixed))


def test_every_module_has_a_layer() -> None:
    for name in find_modules():
        layer_of(name)


def test_dedup_pieces_load_without_the_orchestrator() -> None:
    # The import graph above is static; this is the same rule at run time: loading dedup's map/reduce pieces
    # must not run khabar.dedup.run (layer 6), yet `from khabar.dedup import dedup` (README) still works.
    code = (
        "import sys, khabar.dedup.features, khabar.dedup.cluster\n"
        "print(sorted(m for m in ('khabar.dedup.run', 'khabar.api') if m in sys.modules))\n"
        "from khabar.dedup import dedup, dedup_articles\n"
        "import khabar.dedup.run as run\n"
        "print(dedup is run.dedup, dedup_articles is run.dedup_articles)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "True True"]


# Modules that a public name of the same name hides, on purpose: `import khabar.restore as m` gives the
# function, and `from khabar.restore import restore` (what the code does) still works. A hidden package is
# worse: its modules cannot be reached by attribute, and one loaded late rebinds the name.
KNOWN_HIDDEN = {"khabar.restore"}


def test_no_public_name_hides_a_module() -> None:
    # `khabar.refine` is the public function: a package of that name would be shadowed by it, so that
    # `import khabar.<package>.<module> as m` fails and a module first loaded late rebinds the function.
    code = (
        "import importlib, sys\n"
        f"names = {sorted(find_modules())!r}\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "for name in names:\n"
        "    found = importlib.import_module(name.split('.')[0])\n"
        "    for part in name.split('.')[1:]:\n"
        "        found = getattr(found, part, None)\n"
        f"    if found is not sys.modules[name] and name not in {sorted(KNOWN_HIDDEN)!r}:\n"
        "        print(name, 'is hidden by', type(found).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


# The checker itself, on small made-up packages: each rule catches what it says.


def write_package(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / PACKAGE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def fake_src(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(globals(), "SRC", tmp_path)
    return tmp_path


def test_checker_finds_an_upward_import(fake_src: Path) -> None:
    write_package(
        fake_src,
        {
            "__init__.py": "",
            "text/__init__.py": "",
            "text/keys.py": "def key():\n    from khabar.api import run  # deferred, still counted\n",
            "api.py": "from khabar.text.keys import key\ndef run(): ...\n",
        },
    )
    found = violations()
    assert ("layer", "khabar.text.keys", "khabar.api") in found
    assert ("cycle", "khabar.api", "khabar.text.keys") in found
    assert ("layer", "khabar.api", "khabar.text.keys") not in found  # downward is fine


def test_checker_finds_private_names(fake_src: Path) -> None:
    write_package(
        fake_src,
        {
            "__init__.py": "from khabar.pipeline import __doc__\n",
            "pipeline.py": "_table = {}\n",
            "api.py": (
                "from khabar.pipeline import _table\n"
                "from khabar import pipeline as p\n"
                "x = p._other\n"
                "from . import pipeline\n"
                "y = pipeline._third\n"
            ),
        },
    )
    assert violations() == {
        ("private", "khabar.api", "khabar.pipeline._table"),
        ("private", "khabar.api", "khabar.pipeline._other"),
        ("private", "khabar.api", "khabar.pipeline._third"),
    }
