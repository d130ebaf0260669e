"""The package's layering, read from its source with :mod:`ast` (dockerlab is never imported).

- no import cycle between dockerlab's modules, counting every import:
  module-level, inside functions, and under ``if TYPE_CHECKING:``;
- the layers point one way: the model (no I/O) under the simulator under the
  lab; the views know neither the lab nor an engine;
- nothing outside ``dockerlab/lab.py`` touches a Lab's private attributes,
  and no module uses another module's ``_private`` names;
- each rule of Docker is written in one module only.

Comments never count (``ast`` drops them), and neither do docstrings: a
string that stands alone as a statement is documentation, not code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "dockerlab"

#: Where the rules of Docker live.
MODEL_STATE = "dockerlab/model/state.py"
#: The simulator's engine state: it produces inspect data (networks' options, IPAM, links).
SIM_STATE = "dockerlab/engines/sim/state.py"
#: The foundation: the modules at the top of dockerlab/, which any layer may import (and which import
#: only each other). Everything else lives in the folder of its layer.
FOUNDATION = ("dockerlab.errors", "dockerlab.i18n", "dockerlab.waits", "dockerlab.version")
#: Modules of the model's layer may import these of dockerlab (besides the model itself): its
#: exceptions, and the learner's language (the model's explanations are learner-facing sentences).
MODEL_MAY_IMPORT = ("dockerlab.errors", "dockerlab.i18n")
#: What the model must never import: docker-py and anything that does I/O.
IO_MODULES = ("docker", "requests", "subprocess", "socket", "os")
#: The folders of dockerlab/ that hold data, not code (the article's Dockerfiles, the catalogues,
#: and the tutorial's notebooks, copied in when a wheel is built).
DATA_FOLDERS = ("article", "locale", "tutorial", "__pycache__")


# -- reading the source ------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One module of the package, parsed.

    Attributes
    ----------
    rel:
        Its path from the checkout's root, such as ``dockerlab/model/state.py``.
    module:
        Its dotted name; a package's ``__init__.py`` is the package itself.
    is_package:
        Whether it is a package's ``__init__.py``.
    tree:
        Its syntax tree.
    """

    rel: str
    module: str
    is_package: bool
    tree: ast.Module


@dataclass(frozen=True)
class Hit:
    """Something found at a line of a module."""

    rel: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.rel}:{self.line}: {self.what}"


@dataclass(frozen=True)
class Import:
    """One imported module: ``target`` is a dockerlab module, or a dotted name from elsewhere."""

    source: str
    target: str
    rel: str
    line: int

    def __str__(self) -> str:
        return f"{self.rel}:{self.line}: {self.source} imports {self.target}"


@cache
def sources() -> dict[str, Source]:
    """Every ``dockerlab/**/*.py``, by module name (a package's ``__init__.py`` wins over a same-named module)."""
    found: dict[str, Source] = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        rel = path.relative_to(ROOT)
        parts = list(rel.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        module = ".".join(parts)
        if module in found and found[module].is_package:
            continue  # x/__init__.py shadows x.py, as for Python's import system
        found[module] = Source(rel.as_posix(), module, is_package, ast.parse(path.read_text(), str(rel)))
    assert found, f"no module found under {ROOT / PACKAGE}"
    return found


def within(module: str, packages: str | Iterable[str]) -> bool:
    """Whether ``module`` is one of ``packages`` or inside one of them (``os.path`` is within ``os``)."""
    packages = (packages,) if isinstance(packages, str) else tuple(packages)
    return any(module == p or module.startswith(p + ".") for p in packages)


def modules_of(package: str) -> list[Source]:
    """The modules of ``package`` and of its subpackages (a lone module is its own package)."""
    return [s for m, s in sources().items() if within(m, package)]


def known(module: str, modules: Collection[str] | None = None) -> str:
    """The dockerlab module ``module`` names: itself, or else its nearest existing parent.

    ``modules`` are dockerlab's modules (by default, those of the checkout).
    """
    modules = sources() if modules is None else modules
    while module not in modules and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


def absolute_base(node: ast.ImportFrom, src: Source) -> str:
    """The absolute module of ``from <base> import ...``, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = src.module if src.is_package else src.module.rsplit(".", 1)[0]
    for _ in range(node.level - 1):
        package = package.rsplit(".", 1)[0]
    return f"{package}.{node.module}" if node.module else package


def resolve(name: str, modules: Collection[str]) -> str:
    """The module an import of ``name`` stands for: a dockerlab module (or its nearest parent), else ``name``."""
    return known(name, modules) if within(name, PACKAGE) else name


def imports(src: Source, modules: Collection[str] | None = None) -> Iterator[Import]:
    """Every module ``src`` imports, wherever the import statement is (functions, ``TYPE_CHECKING`` included).

    ``from base import name`` imports the submodule ``base.name`` when there is
    one, else ``base`` itself (``from dockerlab import __version__`` imports
    ``dockerlab``). ``importlib.import_module("...")`` with a literal name
    counts too.

    Parameters
    ----------
    src:
        The importing module.
    modules:
        dockerlab's modules; by default, those of the checkout.

    Yields
    ------
    Import
        One per imported module and import statement.
    """
    modules = sources() if modules is None else modules
    for node in ast.walk(src.tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [resolve(a.name, modules) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute_base(node, src)
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else resolve(base, modules) for a in node.names
            ]
        elif (
            isinstance(node, ast.Call)
            and dotted(node.func) in ("importlib.import_module", "import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [resolve(node.args[0].value, modules)]
        for target in dict.fromkeys(targets):
            yield Import(src.module, target, src.rel, node.lineno)


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are documentation: every string standing alone as a statement."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }


def strings(src: Source) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of each string constant of the code, f-strings' literal parts included, docstrings not."""
    skip = docstrings(src.tree)
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def find_strings(match: Callable[[str], bool]) -> list[Hit]:
    """Every string constant of the code (docstrings excepted) that ``match`` accepts."""
    return [Hit(src.rel, line, repr(text)) for src in sources().values() for line, text in strings(src) if match(text)]


def definitions(name: str) -> list[Hit]:
    """Every ``def name`` in the package (methods and properties included)."""
    return [
        Hit(src.rel, node.lineno, f"def {name}")
        for src in sources().values()
        for node in ast.walk(src.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
    ]


def top_level_definitions(name: str) -> list[Hit]:
    """Every module-level ``def name`` in the package."""
    return [
        Hit(src.rel, node.lineno, f"def {name}")
        for src in sources().values()
        for node in src.tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
    ]


def files(hits: Iterable[Hit]) -> set[str]:
    """The modules (paths) of ``hits``."""
    return {h.rel for h in hits}


def listing(hits: Iterable[Hit | Import]) -> str:
    """One line per hit, for a failure message."""
    return "\n".join(f"  {h}" for h in hits) or "  (none)"


def simulator_files() -> set[str]:
    """The simulator's modules: ``dockerlab.engines.sim`` and everything in it."""
    found = {s.rel for s in modules_of("dockerlab.engines.sim")}
    assert found, "the simulator (dockerlab.engines.sim) is missing"
    return found


def is_private(attr: str) -> bool:
    """``_name`` is private; a dunder such as ``__class__`` is not, nor gettext's ``_`` (dockerlab.i18n's, for all)."""
    return attr.startswith("_") and attr != "_" and not (attr.startswith("__") and attr.endswith("__"))


def only_in(hits: list[Hit], allowed: set[str], required: str, rule: str) -> None:
    """Assert that ``hits`` lie in ``allowed`` modules only, and that ``required`` is one of them.

    Parameters
    ----------
    hits:
        Where a rule is written.
    allowed:
        The modules (paths) allowed to write it.
    required:
        The module that must write it: the rule's home.
    rule:
        The rule in words, for the failure message.
    """
    outside = [h for h in hits if h.rel not in allowed]
    assert not outside, (
        f"{rule} must be written only in {', '.join(sorted(allowed))}; also found at:\n{listing(outside)}"
    )
    assert required in files(hits), f"{rule} should be written in {required}, but is not there."


# -- (a) no import cycle -------------------------------------------------------------


def import_graph() -> nx.DiGraph:
    """dockerlab's modules, an edge ``a -> b`` where ``a`` imports ``b`` (``imports`` lists the lines)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(sources())
    for src in sources().values():
        for imp in imports(src):
            if imp.target in sources() and imp.target != src.module:
                if not graph.has_edge(src.module, imp.target):
                    graph.add_edge(src.module, imp.target, imports=[])
                graph.edges[src.module, imp.target]["imports"].append(imp)
    return graph


def test_the_import_graph_sees_every_kind_of_import() -> None:
    """The graph's resolution, on a made-up module: the other tests are only as good as it is."""
    tree = ast.parse(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from dockerlab import errors, __version__\n"
        "from dockerlab.model import State\n"
        "import dockerlab.kernel.probe as p\n"
        "from . import state\n"
        "from ..engines.sim import SimClient\n"
        "if TYPE_CHECKING:\n"
        "    from dockerlab.lab import Lab\n"
        "def f():\n"
        "    import os.path\n"
        "    from docker import errors\n"
    )
    fake = Source("dockerlab/model/fake.py", "dockerlab.model.fake", False, tree)
    modules = {
        "dockerlab",
        "dockerlab.errors",
        "dockerlab.kernel.probe",
        "dockerlab.lab",
        "dockerlab.model",
        "dockerlab.model.fake",
        "dockerlab.model.state",
        "dockerlab.engines.sim",
        "dockerlab.engines.sim.state",
    }
    got = {(i.line, i.target) for i in imports(fake, modules)}
    assert got == {
        (1, "__future__"),
        (2, "typing"),
        (3, "dockerlab.errors"),
        (3, "dockerlab"),
        (4, "dockerlab.model"),
        (5, "dockerlab.kernel.probe"),
        (6, "dockerlab.model.state"),
        (7, "dockerlab.engines.sim"),
        (9, "dockerlab.lab"),
        (11, "os.path"),
        (12, "docker"),
    }


def test_no_import_cycle() -> None:
    """No two dockerlab modules import each other, directly or through others."""
    graph = import_graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    report = []
    for cycle in sorted(cycles):
        lines = [imp for a, b, data in graph.subgraph(cycle).edges(data=True) for imp in data["imports"]]
        report.append(f"cycle between {', '.join(cycle)}:\n{listing(sorted(lines, key=str))}")
    assert not cycles, "import cycles in dockerlab:\n" + "\n".join(report)


# -- (b) the layers point one way: read from the folders --------------------------------------


@cache
def layers() -> tuple[str, ...]:
    """The layers, bottom first: ``LAYERS`` in ``dockerlab/__init__.py``, read without importing dockerlab."""
    tree = ast.parse((ROOT / PACKAGE / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "LAYERS" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("dockerlab/__init__.py declares no LAYERS")


def layer_of(module: str) -> str | None:
    """The layer folder ``module`` lives in (``dockerlab.engines.sim.state`` is in ``engines``), else None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and sources()[module].is_package) else None


def allowed_targets(module: str) -> tuple[str, ...]:
    """What of dockerlab ``module`` may import: the foundation, its own layer and the layers before it."""
    layer = layer_of(module)
    if layer is None:
        return FOUNDATION
    below = layers()[: layers().index(layer) + 1]
    return (*FOUNDATION, *(f"{PACKAGE}.{name}" for name in below))


def layer_imports(package: str) -> list[Import]:
    """Every import made by ``package``'s modules."""
    layer = modules_of(package)
    assert layer, f"{package} is missing"
    return [imp for src in layer for imp in imports(src)]


def test_every_module_is_in_the_folder_of_a_layer_or_in_the_foundation() -> None:
    """No module flat at the top of dockerlab/ but the foundation, and every folder is a declared layer."""
    top = {m for m, s in sources().items() if m.count(".") == 1 and not s.is_package}
    assert top - {f"{PACKAGE}.__main__"} == set(FOUNDATION), (
        f"modules at the top of dockerlab/ besides the foundation ({', '.join(FOUNDATION)}): "
        f"{', '.join(sorted(top - set(FOUNDATION) - {f'{PACKAGE}.__main__'}))}; put each in the folder of its layer"
    )
    folders = {p.name for p in (ROOT / PACKAGE).iterdir() if p.is_dir() and p.name not in DATA_FOLDERS}
    assert folders == set(layers()), (
        f"dockerlab/'s folders {sorted(folders)} are not the layers dockerlab/__init__.py declares {list(layers())}"
    )
    for name in layers():
        assert (ROOT / PACKAGE / name / "__init__.py").is_file(), f"the layer {name}/ has no __init__.py"


def test_each_layer_imports_only_the_foundation_and_the_layers_before_it() -> None:
    """``model`` < ``kernel`` < ``views`` < ``engines`` < ``lab`` < ``setups`` < ``teaching`` < ``cli``.

    The rule of a module is its folder's: a new module inherits it.
    """
    wrong = [
        imp
        for src in sources().values()
        if src.module not in (PACKAGE, f"{PACKAGE}.__main__")
        for imp in imports(src)
        if within(imp.target, PACKAGE) and imp.target != src.module
        if not within(imp.target, allowed_targets(src.module))
    ]
    assert not wrong, (
        "imports that run against the layers (bottom first: " + " < ".join(layers()) + f"):\n{listing(wrong)}"
    )


def test_the_layer_rule_itself() -> None:
    """``allowed_targets`` on real modules: the rules the other tests rely on."""
    assert within("dockerlab.model.state", allowed_targets("dockerlab.kernel.topology"))
    assert not within("dockerlab.engines.client", allowed_targets("dockerlab.views.plot"))
    assert not within("dockerlab.lab.lab", allowed_targets("dockerlab.engines.sim.state"))
    assert within("dockerlab.lab", allowed_targets("dockerlab.teaching.lesson"))
    assert allowed_targets("dockerlab.errors") == FOUNDATION


def test_the_model_imports_only_errors_i18n_and_itself() -> None:
    """``dockerlab.model`` is the bottom layer: of dockerlab it knows only ``errors`` and ``i18n``."""
    wrong = [
        imp
        for imp in layer_imports("dockerlab.model")
        if within(imp.target, PACKAGE) and not within(imp.target, ("dockerlab.model", *MODEL_MAY_IMPORT))
    ]
    assert not wrong, f"dockerlab.model imports more of dockerlab than errors and i18n:\n{listing(wrong)}"


def test_the_model_does_no_io() -> None:
    """``dockerlab.model`` imports neither docker-py nor a module that does I/O."""
    wrong = [imp for imp in layer_imports("dockerlab.model") if within(imp.target, IO_MODULES)]
    assert not wrong, f"dockerlab.model imports {', '.join(IO_MODULES)}:\n{listing(wrong)}"


def test_no_layer_below_the_engines_talks_to_docker() -> None:
    """docker-py is the engines' business: the model, the kernel's parsers and the views never import it."""
    below = layers()[: layers().index("engines")]
    wrong = [imp for name in below for imp in layer_imports(f"{PACKAGE}.{name}") if within(imp.target, "docker")]
    assert not wrong, f"a layer below engines/ imports docker-py:\n{listing(wrong)}"


def test_the_simulator_is_an_engine_of_its_own() -> None:
    """``dockerlab.engines.sim`` answers like an engine: of engines/ it knows only itself."""
    wrong = [
        imp
        for imp in layer_imports("dockerlab.engines.sim")
        if within(imp.target, "dockerlab.engines") and not within(imp.target, "dockerlab.engines.sim")
    ]
    assert not wrong, f"dockerlab.engines.sim imports another engine module:\n{listing(wrong)}"


# -- (c) privates stay private ---------------------------------------------------------


def names_a_lab(node: ast.expr) -> bool:
    """Whether ``node`` is ``lab``, ``_lab``, ``other_lab``, or an attribute such as ``self.lab``."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name in ("lab", "_lab") or name.endswith("_lab")


def test_no_module_touches_a_labs_private_attributes() -> None:
    """Only ``dockerlab/lab/lab.py`` may use ``lab._anything``: the others go through the Lab's public API."""
    wrong = [
        Hit(src.rel, node.lineno, ast.unparse(node))
        for src in sources().values()
        if src.module != "dockerlab.lab.lab"
        for node in ast.walk(src.tree)
        if isinstance(node, ast.Attribute) and is_private(node.attr) and names_a_lab(node.value)
    ]
    assert not wrong, f"private attributes of a Lab used outside dockerlab/lab/lab.py:\n{listing(wrong)}"


def module_names(src: Source) -> dict[str, str]:
    """The names ``src`` binds to dockerlab modules (``from dockerlab import probe`` binds ``probe``)."""
    bound: dict[str, str] = {}
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if within(a.name, PACKAGE):
                    bound[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = absolute_base(node, src)
            for a in node.names:
                if f"{base}.{a.name}" in sources():
                    bound[a.asname or a.name] = f"{base}.{a.name}"
    return bound


def test_no_module_uses_another_modules_private_names() -> None:
    """``probe._MARK`` and ``from dockerlab.kernel.probe import _MARK`` are for ``dockerlab.kernel.probe`` alone."""
    wrong = []
    for src in sources().values():
        bound = module_names(src)
        for node in ast.walk(src.tree):
            if isinstance(node, ast.Attribute) and is_private(node.attr):
                chain = dotted(node.value)
                if chain is None or chain.split(".")[0] not in bound:
                    continue
                head, _, rest = chain.partition(".")
                module = f"{bound[head]}.{rest}" if rest else bound[head]
                if module in sources() and module != src.module:
                    wrong.append(Hit(src.rel, node.lineno, f"{ast.unparse(node)} ({module})"))
            elif isinstance(node, ast.ImportFrom):
                base = absolute_base(node, src)
                if within(base, PACKAGE) and known(base) != src.module:
                    wrong += [
                        Hit(src.rel, node.lineno, f"from {base} import {a.name}")
                        for a in node.names
                        if is_private(a.name)
                    ]
    assert not wrong, f"private names of a dockerlab module used outside it:\n{listing(wrong)}"


# -- (d) each rule of Docker in one module -----------------------------------------------

#: ``br-`` as the start of a bridge device name: followed by nothing (``"br-" + id``,
#: ``f"br-{id}"``, ``startswith("br-")``) or by regex syntax; prose such as ``br-<id>`` is not the rule.
BRIDGE_PREFIX = re.compile(r"(?<![\w-])br-(?=$|[\[(\\.])")


def test_the_bridge_device_name_rule_is_in_the_model_only() -> None:
    """``br-`` + the network id's first 12 characters: written in dockerlab/model/state.py alone."""
    hits = find_strings(lambda s: bool(BRIDGE_PREFIX.search(s)))
    only_in(hits, {MODEL_STATE}, MODEL_STATE, 'The bridge device prefix "br-"')


def test_docker0_is_named_by_the_model_and_the_simulator_only() -> None:
    """The default bridge's device ``docker0``: the model's rule, and the simulator's network options."""
    hits = find_strings(lambda s: s == "docker0")
    allowed = {MODEL_STATE, SIM_STATE}
    assert files(hits) == allowed, (
        f'"docker0" must be written in {" and ".join(sorted(allowed))}, and nowhere else; found at:\n{listing(hits)}'
    )


def test_the_embedded_dns_rule_is_defined_once() -> None:
    """Which networks have Docker's embedded DNS (``has_dns``) is decided in dockerlab/model/state.py only."""
    hits = definitions("has_dns")
    assert files(hits) == {MODEL_STATE}, f"has_dns must be defined in {MODEL_STATE} only:\n{listing(hits)}"


def test_link_parsing_is_defined_once() -> None:
    """``HostConfig.Links`` is parsed by ``parse_links`` in dockerlab/model/state.py only."""
    hits = definitions("parse_links")
    assert files(hits) == {MODEL_STATE}, f"parse_links must be defined in {MODEL_STATE} only:\n{listing(hits)}"


def test_the_links_key_is_read_by_the_model_only() -> None:
    """Inspect data's ``"Links"`` is read (``.get("Links")``, ``["Links"]``) by the model and the simulator only."""
    hits = []
    for src in sources().values():
        for node in ast.walk(src.tree):
            key = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                key = node.args[0] if node.func.attr in ("get", "pop", "setdefault") else None
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                key = node.slice
            if isinstance(key, ast.Constant) and key.value == "Links":
                hits.append(Hit(src.rel, node.lineno, ast.unparse(node)))
    only_in(hits, {MODEL_STATE, *simulator_files()}, MODEL_STATE, 'Reading "Links"')


def test_ipam_is_parsed_by_the_model_only() -> None:
    """Inspect data's ``"IPAM"``: parsed in dockerlab/model/state.py, produced by the simulator; nowhere else."""
    hits = find_strings(lambda s: s == "IPAM")
    only_in(hits, {MODEL_STATE, *simulator_files()}, MODEL_STATE, 'The key "IPAM"')


def test_the_container_name_rule_is_written_once() -> None:
    """Docker's name characters ``[a-zA-Z0-9][a-zA-Z0-9_.-]``: in dockerlab/model/state.py alone."""
    hits = find_strings(lambda s: "a-zA-Z0-9_.-" in s)
    only_in(hits, {MODEL_STATE}, MODEL_STATE, "The name rule a-zA-Z0-9_.-")


def sleeps(src: Source) -> Iterator[Hit]:
    """Calls of ``time.sleep`` in ``src``, however ``time`` or ``sleep`` was imported."""
    times: set[str] = set()
    sleep_names: set[str] = set()
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Import):
            times |= {a.asname or a.name for a in node.names if a.name == "time"}
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            sleep_names |= {a.asname or a.name for a in node.names if a.name == "sleep"}
    for node in ast.walk(src.tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (
                isinstance(f, ast.Attribute)
                and f.attr == "sleep"
                and isinstance(f.value, ast.Name)
                and f.value.id in times
            ) or (isinstance(f, ast.Name) and f.id in sleep_names):
                yield Hit(src.rel, node.lineno, ast.unparse(node))


def test_polling_sleeps_in_one_module() -> None:
    """``time.sleep`` only in the module of the one bounded poll (``wait_until``/``poll``): dockerlab/waits.py."""
    waits = "dockerlab/waits.py"
    for name in ("poll", "wait_until"):
        hits = top_level_definitions(name)
        assert files(hits) == {waits}, f"{name} must be defined in {waits} only:\n{listing(hits)}"
    hits = [hit for src in sources().values() for hit in sleeps(src)]
    outside = [h for h in hits if h.rel != waits]
    assert not outside, f"time.sleep outside {waits} (use dockerlab.waits.poll/wait_until):\n{listing(outside)}"
