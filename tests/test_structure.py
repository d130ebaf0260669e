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


def loop_names(scope: ast.AST) -> set[str]:
    """The names bound in ``scope`` by a loop or comprehension over something that names a link."""
    found: set[str] = set()
    for node in ast.walk(scope):
        loops = [(node.target, node.iter)] if isinstance(node, ast.For | ast.AsyncFor) else []
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            loops = [(g.target, g.iter) for g in node.generators]
        for target, iterable in loops:
            if "link" in ast.unparse(iterable).lower():
                found |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return found


def is_colon_split(node: ast.AST) -> bool:
    """Whether ``node`` is ``x.partition(":")``, ``x.split(":", ...)`` or ``x.rsplit(":", ...)``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("partition", "split", "rsplit")
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == ":"
    )


def link_splits(src: Source) -> Iterator[Hit]:
    """Where ``src`` splits a link at its colon (``target:alias``), whatever the function is called.

    A colon split counts when what it splits names a link (``link.partition(":")``),
    is bound, in the same function, by a loop or comprehension over something
    that does (``for spec in links: spec.partition(":")``), or is a parameter of
    a function named for links (``def split_link(spec)``).
    """
    seen: set[int] = set()
    scopes = [src.tree, *(n for n in ast.walk(src.tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    for scope in scopes:
        names = loop_names(scope) if scope is not src.tree else set()
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) and "link" in scope.name.lower():
            names |= {a.arg for a in (*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs)}
        for node in ast.walk(scope):
            if not is_colon_split(node) or id(node) in seen:
                continue
            split = node.func.value  # type: ignore[attr-defined]
            used = {n.id for n in ast.walk(split) if isinstance(n, ast.Name)}
            if "link" in ast.unparse(split).lower() or used & names:
                seen.add(id(node))
                yield Hit(src.rel, node.lineno, ast.unparse(node))


def test_links_are_split_once() -> None:
    """A link's ``target:alias`` is split at its colon in dockerlab/model/state.py alone (``split_link``)."""
    hits = [hit for src in sources().values() for hit in link_splits(src)]
    only_in(hits, {MODEL_STATE}, MODEL_STATE, "Splitting a link at its colon (target:alias)")


def test_the_link_split_is_found_by_its_pattern() -> None:
    """The pattern finds a split however its function is named (the simulator's old ``_split_link``)."""
    tree = ast.parse(
        "def _split_link(link):\n"
        "    target, _, alias = link.partition(':')\n"
        "def refs(svc):\n"
        "    return [str(x).split(':')[0] for x in svc.get('links') or []]\n"
        "def extra_host(spec):\n"
        "    name, _, ip = spec.partition(':')\n"
    )
    fake = Source("dockerlab/engines/sim/fake.py", "dockerlab.engines.sim.fake", False, tree)
    assert [h.line for h in link_splits(fake)] == [2, 4]


#: Docker's bridge driver options: a string that *is* a key, or ``key=value`` (``-o`` on the command line).
BRIDGE_OPTION = re.compile(r"com\.docker\.network\.[\w.]+(=.*)?")
OPTIONS = "dockerlab/model/options.py"


def test_bridge_option_keys_are_written_once() -> None:
    """``com.docker.network.bridge.*`` keys are written in dockerlab/model/options.py alone; the rest name them."""
    hits = find_strings(lambda s: BRIDGE_OPTION.fullmatch(s) is not None)
    only_in(hits, {OPTIONS}, OPTIONS, "A bridge option key (com.docker.network.*)")


SUBNETS = "dockerlab/model/subnets.py"
#: How a caller names that module.
SUBNETS_MODULE = ("subnets", "model.subnets", "dockerlab.model.subnets")
#: Docker's default address pools and the default bridge's range, 172.16.0.0/12: a literal that is an
#: address or range there, f-strings' literal parts included (``f"172.{i}.0.0/16"``); prose that mentions
#: one (a message saying "such as 172.17.0.2") is not a pool.
DEFAULT_POOL = re.compile(r"172\.(?:$|\d)")


def test_default_pools_are_written_once() -> None:
    """Docker's default pools (172.17-31.0.0/16, the default bridge 172.17.0.0/16): in dockerlab/model/subnets.py."""
    hits = find_strings(lambda s: DEFAULT_POOL.match(s) is not None)
    only_in(hits, {SUBNETS}, SUBNETS, "A literal in Docker's default pools (172.16.0.0/12)")


def subnet_planning(src: Source) -> Iterator[Hit]:
    """Where ``src`` plans subnets: ``net.subnets(...)``, ``a.overlaps(b)``, or a first host as gateway
    (``next(net.hosts())``)."""
    for node in ast.walk(src.tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("subnets", "overlaps"):
            if dotted(func.value) not in SUBNETS_MODULE:  # subnets.overlaps(...) asks the rule's home
                yield Hit(src.rel, node.lineno, ast.unparse(node))
        elif (
            isinstance(func, ast.Name)
            and func.id == "next"
            and node.args
            and isinstance(node.args[0], ast.Call)
            and isinstance(node.args[0].func, ast.Attribute)
            and node.args[0].func.attr == "hosts"
        ):
            yield Hit(src.rel, node.lineno, ast.unparse(node))


def test_subnets_are_planned_once() -> None:
    """Cutting ranges, overlaps and first-host gateways: dockerlab/model/subnets.py; the others ask it."""
    hits = [hit for src in sources().values() for hit in subnet_planning(src)]
    only_in(hits, {SUBNETS}, SUBNETS, "Subnet planning (.subnets(), .overlaps(), next(.hosts()))")


LINKS = "dockerlab/kernel/links.py"
#: A regex for a line of ``ip -o link`` or ``ip -o addr``: it starts with the interface's index, ``^\d+:``.
IP_LINE = re.compile(r"\^\(?\\d\+\)?:")
#: ``@if`` as code, not prose: the regex ``@if(\d+)``, the prefix ``"@if"``, or an f-string's ``@if{n}``.
IFLINK_NAME = re.compile(r"@if(?=$|[(\\])")


def test_ip_link_is_parsed_once() -> None:
    """``ip link``/``ip addr`` lines and ``name@ifN`` are parsed and written in dockerlab/kernel/links.py alone."""
    hits = find_strings(lambda s: IP_LINE.match(s) is not None or IFLINK_NAME.search(s) is not None)
    only_in(hits, {LINKS}, LINKS, "Parsing ip link (^\\d+: lines, name@ifN)")


#: An interface's index, by the name that holds it: ``ifindex``, ``iflink``, ``host_ifindex``, ``peer_ifindex``.
INDEX_NAME = re.compile(r"(?:^|_)if(?:index|link)$")


def names_an_index(node: ast.expr) -> bool:
    """Whether ``node`` is an interface index: a name or attribute such as ``link.iflink``, or a call of a
    ``peer`` function (``_peer_of_host(row)``)."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return "peer" in name
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return INDEX_NAME.search(name) is not None


def test_veth_pairs_are_matched_once() -> None:
    """Comparing two interface indexes (the veth pair rule) happens in dockerlab/kernel/links.py alone."""
    hits = [
        Hit(src.rel, node.lineno, ast.unparse(node))
        for src in sources().values()
        for node in ast.walk(src.tree)
        if isinstance(node, ast.Compare)
        and all(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops)
        and all(names_an_index(side) for side in (node.left, *node.comparators))
    ]
    only_in(hits, {LINKS}, LINKS, "Comparing interface indexes (ifindex/iflink)")


READING = "dockerlab/engines/reading.py"


def test_hosts_files_are_read_one_way() -> None:
    """``/etc/hosts`` is read through the archive API in dockerlab/engines/reading.py (the simulator writes it)."""
    named = find_strings(lambda s: s == "/etc/hosts")
    only_in(named, {READING, *simulator_files()}, READING, 'The path "/etc/hosts"')
    archive = [
        Hit(src.rel, node.lineno, ast.unparse(node))
        for src in sources().values()
        for node in ast.walk(src.tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_archive"
    ]
    only_in(archive, {READING}, READING, "The archive API (get_archive)")


def test_hosts_files_are_parsed_once() -> None:
    """A hosts file's comments (``line.split("#")``) are cut in dockerlab/model/state.py's ``parse_hosts`` alone."""
    hits = [
        Hit(src.rel, node.lineno, ast.unparse(node))
        for src in sources().values()
        for node in ast.walk(src.tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("split", "partition")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "#"
    ]
    only_in(hits, {MODEL_STATE}, MODEL_STATE, "Parsing /etc/hosts (split at #)")


def calls(name: str) -> list[Hit]:
    """Every call of ``name`` or ``something.name`` (``Release.of`` matches ``model.Release.of(...)``)."""
    return [
        Hit(src.rel, node.lineno, ast.unparse(node))
        for src in sources().values()
        for node in ast.walk(src.tree)
        if isinstance(node, ast.Call)
        and (lambda d: d is not None and (d == name or d.endswith("." + name)))(dotted(node.func))
    ]


def test_an_engines_release_and_state_are_read_once() -> None:
    """An engine's release and the model's state of its containers are built in dockerlab/engines/reading.py.

    The model builds them for itself, and the simulator for its own engine; nobody else does.
    """
    model_files = {s.rel for s in modules_of("dockerlab.model")}
    only_in(calls("Release.of"), {READING, *model_files, *simulator_files()}, READING, "Release.of")
    only_in(calls("state_from_inspect"), {READING}, READING, "state_from_inspect (a state from an engine)")


BACKEND = "dockerlab/engines/backend.py"


def test_the_engine_is_chosen_in_one_place() -> None:
    """Real or simulated, for a lab or chapter 08's hosts: decided in dockerlab/engines/backend.py alone.

    Nothing else reads ``DOCKERLAB_ENGINE`` or makes the simulator's engine or swarm.
    """
    variable = [
        Hit(src.rel, node.lineno, ast.unparse(node))
        for src in sources().values()
        for node in ast.walk(src.tree)
        if (isinstance(node, ast.Name) and node.id == "ENGINE_VARIABLE")
        or (isinstance(node, ast.Attribute) and node.attr == "ENGINE_VARIABLE")
    ] + find_strings(lambda s: s == "DOCKERLAB_ENGINE")
    only_in(variable, {BACKEND}, BACKEND, "Reading DOCKERLAB_ENGINE")
    made = calls("SimSwarm") + calls("shared_client")
    only_in(made, {BACKEND}, BACKEND, "Choosing the simulator (SimSwarm(), shared_client())")


REFUSALS = "dockerlab/model/refusals.py"
#: Docker's own words when it refuses: a name in use, an overlapping pool, an alias or a link it cannot
#: have, a container connected twice.
DOCKER_REFUSES = re.compile(
    r"is already in use by container|with name .* already exists|Pool overlaps|"
    r"network-scoped alias is supported only|host type networking can't be used with links|"
    r"already exists in network"
)


def test_dockers_refusals_are_worded_once() -> None:
    """What Docker refuses, in its words, is in dockerlab/model/refusals.py; the lab and the simulator ask it."""
    hits = find_strings(lambda s: DOCKER_REFUSES.search(s) is not None)
    only_in(hits, {REFUSALS}, REFUSALS, "Docker's refusal messages")


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
