"""The package's shape, read with `ast`: no import cycle inside book/, no use of another module's _private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "book"

# DESIGN §3's stages, bottom up, as README's module map draws them: a module may import the
# modules of its own layer and of the layers below it, never one above (a package's modules
# go with it: "book.ingest" is every book.ingest.* module).
LAYERS = (
    ("contracts and tools", {"book", "book.errors", "book.clock", "book.progress", "book.i18n", "book.readable",
                             "book.signing", "book.files", "book.lock", "book.cache", "book.models",
                             "book.crossrefs", "book.citation_style", "book.render.model", "book.plaintext",
                             "book.words"}),
    ("load", {"book.project", "book.ingest"}),
    ("organise", {"book.organise", "book.glossary"}),
    ("annotate", {"book.annotate", "book.citations", "book.editions", "book.linkcache"}),
    ("render", {"book.render"}),
    ("pipeline and reports", {"book.pipeline", "book.review", "book.report", "book.candidates", "book.serve",
                              "book.scaffold"}),
    ("commands", {"book.cli", "book.__main__"}),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    """The absolute name an ImportFrom in `module` imports from."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int, str | None]]:
    """(imported module, line, name taken from it) for every import in the file, at any depth (function-level too)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = resolve(module, node, path.name == "__init__.py")
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in known:  # `from book import cache` imports the module book.cache
                    found.append((submodule, node.lineno, None))
                else:
                    found.append((source, node.lineno, alias.name))
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, _, _ in imports(name, path, known):
            if target in known and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a list of names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def private_uses() -> list[str]:
    """`from X import _name` and `X._name` where X is another module of book/."""
    known = modules()
    found = []
    for name, path in known.items():
        aliases: dict[str, str] = {}  # local name → module of book/
        for target, line, taken in imports(name, path, known):
            if taken is not None and taken.startswith("_") and not taken.startswith("__") and target != name:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: from {target} import {taken}")
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = resolve(name, node, path.name == "__init__.py")
                for alias in node.names:
                    if f"{source}.{alias.name}" in known:
                        aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in known and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and aliases.get(node.value.id, name) != name):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: "
                             f"{aliases[node.value.id]}.{node.attr}")
    return found


def test_the_graph_sees_function_level_imports():
    """The reader counts an import inside a function (the way cycles were hidden before)."""
    edges = graph()
    assert "book.pipeline" in edges["book.cli"]  # cli imports pipeline only inside its commands
    assert "book.render" in edges["book.pipeline"] or "book.render" in {
        target for source in edges for target in edges[source]}


def test_cycles_are_found_in_a_made_up_graph():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_book():
    found = cycles(graph())
    assert found == [], "import cycles: " + "; ".join(" ↔ ".join(component) for component in found)


def layer_of(module: str) -> int:
    """The layer of `module`: its own entry, else its package's (the most specific name wins)."""
    packages = (module.rsplit(".", depth)[0] for depth in range(1, module.count(".")))  # never the root, "book"
    for name in (module, *packages):
        for number, (_, members) in enumerate(LAYERS):
            if name in members:
                return number
    raise LookupError(module)


def test_every_module_has_a_layer():
    unplaced = []
    for module in modules():
        try:
            layer_of(module)
        except LookupError:
            unplaced.append(module)
    assert unplaced == [], f"place these in LAYERS (and README's module map): {unplaced}"


def test_no_module_imports_a_later_stage():
    upward = [f"{source} ({LAYERS[layer_of(source)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})"
              for source, targets in graph().items() for target in sorted(targets)
              if layer_of(target) > layer_of(source)]
    assert upward == [], "\n".join(upward)


def test_no_module_uses_another_modules_private_names():
    found = private_uses()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_modules_stay_short(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 420


def test_layers_place_a_module_by_its_most_specific_name():
    assert layer_of("book.render.model") == 0 < layer_of("book.ingest.text") == 1 < layer_of("book.render.pdf")
    for unplaced in ("elsewhere.module", "book.new_module"):  # a new module of book/ is placed on purpose
        with pytest.raises(LookupError):
            layer_of(unplaced)


def test_the_books_fixed_words_are_written_in_one_module():
    """Words code puts in the book are messages of book/words.py (the catalogues translate them), nowhere else in Python."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "words.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert found == []


def test_readme_s_module_map_names_every_module_of_book_and_render():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("The code is the `book/` package"):readme.index("## The commands")]
    paths = [path for folder in (PACKAGE, PACKAGE / "render") for path in sorted(folder.glob("*.py"))
             if path.name not in ("__init__.py", "__main__.py")]
    assert [path.name for path in paths
            if f"`{path.name}`" not in section and f"`{path.relative_to(PACKAGE).as_posix()}`" not in section] == []
