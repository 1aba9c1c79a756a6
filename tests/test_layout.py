"""The package's shape, checked from source (design brief, section 4): no import cycles, no
module over `MAX_LINES` lines, no module-level mutable state.

Read with `ast`, nothing imported, so a cycle or a stray global is reported as such rather
than as an ImportError or an unexplained flaky test elsewhere.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cleaner"
MAX_LINES = 400
# Calls that build a mutable container: a module-level name bound to one is state shared by
# every thread and every Cleaner in the process.
MUTABLE_CALLS = frozenset(
    (
        "list",
        "dict",
        "set",
        "bytearray",
        "defaultdict",
        "OrderedDict",
        "Counter",
        "deque",
        "ChainMap",
        "WeakValueDictionary",
        "WeakKeyDictionary",
        "WeakSet",
        "local",
        "Queue",
        "SimpleQueue",
        "LifoQueue",
        "PriorityQueue",
        "array",
    )
)
STATE_HINT = (
    "module-level mutable state (bind a frozenset, a tuple or a MappingProxyType, or pass the"
    " state in: a cache on an instance, or functools.lru_cache on a pure function):"
)
MUTABLE_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def module_name(path: Path) -> str:
    """`cleaner/html/walk.py` -> `cleaner.html.walk`; a package's `__init__.py` is the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under `node`, those inside functions included, except under
    `if TYPE_CHECKING:` (never run, so never part of a cycle). Iterative: no recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Import | ast.ImportFrom):
            yield current
        elif isinstance(current, ast.If) and _is_type_checking(current.test):
            stack.extend(current.orelse)
        else:
            stack.extend(ast.iter_child_nodes(current))


def _absolute(name: str, node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module a (possibly relative) `from` import names."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `cleaner` that module `name` imports. `from pkg import name` imports
    the module `pkg.name` when there is one, else `pkg` itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        source = _absolute(name, node, name, path.name == "__init__.py")
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            found.add(submodule if submodule in known else source)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a list of modules, the first repeated at the end) per strongly connected
    component of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(set(component))
    return [_cycle_in(graph, component) for component in components]


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first)."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return sorted(component)


def test_the_import_graph_has_no_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_over_the_line_limit():
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()
    }
    over = sorted(f"{name} ({lines} lines)" for name, lines in sizes.items() if lines > MAX_LINES)
    assert not over, f"modules over {MAX_LINES} lines: " + ", ".join(over)


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run at import: the module's, and those inside its top-level
    `if`, `try`, `with` and `for` blocks (not function or class bodies)."""
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        yield statement
        if isinstance(statement, ast.If | ast.For | ast.While):
            stack.extend(reversed(statement.body + statement.orelse))
        elif isinstance(statement, ast.With):
            stack.extend(reversed(statement.body))
        elif isinstance(statement, ast.Try):
            inner = statement.body + statement.orelse + statement.finalbody
            inner += [s for handler in statement.handlers for s in handler.body]
            stack.extend(reversed(inner))


def _is_mutable(value: ast.expr | None) -> bool:
    if isinstance(value, MUTABLE_DISPLAYS):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return called in MUTABLE_CALLS
    return False


def _targets(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    else:
        return []
    return [
        node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)
    ]


def mutable_state(path: Path) -> list[str]:
    """`line: name` for each module-level name bound to a mutable container, and for each
    function that rebinds a module-level name (`global`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for statement in _module_level(tree.body):
        value = getattr(statement, "value", None)
        if isinstance(statement, ast.Assign | ast.AnnAssign) and _is_mutable(value):
            names = [name for name in _targets(statement) if name != "__all__"]
            found.extend(f"{statement.lineno}: {name}" for name in names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.extend(f"{node.lineno}: global {name}" for name in node.names)
    return found


def test_no_module_level_mutable_state():
    found = [
        f"{name}:{problem}" for name, path in modules().items() for problem in mutable_state(path)
    ]
    assert not found, "\n".join([STATE_HINT, *found])


def test_the_state_check_tells_state_from_constants(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from types import MappingProxyType\n"
        "__all__ = ['a']\n"
        "NAMES = frozenset(('a', 'b'))\n"
        "SIZES = MappingProxyType({'a': 1})\n"
        "ORDER = ('a', 'b')\n"
        "MEMO = {}\n"
        "seen: list[str] = []\n"
        "try:\n"
        "    import fast\n"
        "except ImportError:\n"
        "    CACHE = collections.OrderedDict()\n"
        "def f():\n"
        "    global MEMO\n"
        "    local = {}\n"
    )
    assert mutable_state(module) == ["6: MEMO", "7: seen", "11: CACHE", "13: global MEMO"]
