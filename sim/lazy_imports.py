"""Optional parts of Mesa and scipy, imported when first used.

``import mesa`` imports, besides the model and agent classes the simulation uses, its
experimental package (continuous space, which pulls in scipy.spatial), its grid spaces
(networkx) and its discrete spaces: about half a second of CPU in every new process, none
of it used by a simulation.  And numba, the first time it loads compiled code, checks that
a BLAS is at hand by importing ``scipy.linalg.cython_blas``, which runs all of
``scipy.linalg``'s ``__init__`` (about 0.3 s of CPU); the model uses no linear algebra, and
the BLAS module itself loads without it.

Before Mesa or scipy's linear algebra is first imported, :func:`defer_optional_parts`
registers those packages (:data:`DEFERRED`) as deferred modules: they exist as usual (name,
spec, path), their submodules import as usual, and their own code runs the first time one
of their other names is read (the workshop's visualisation reads Mesa's spaces;
calibration, sensitivity analysis and statistics read scipy's linear algebra).  A package
already imported is left as it is.

pandas (:data:`DEFERRED_WHOLE`) is imported by Mesa's data collector and by the outcome
tables, about 0.45 s of CPU, though a simulation that returns only its summary (the
calibration's evaluations, a pool worker's first run) never uses it.  It is deferred whole:
its own code runs the first time one of its names is read or one of its submodules is
imported (:class:`RunPackageFirst`), so that its submodules always find it initialised, as
after an ordinary import."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types

#: package -> its subpackages that a simulation never runs the code of: Mesa's that its
#: ``__init__`` imports; scipy's linear algebra, whose BLAS module numba imports
DEFERRED = {"mesa": ("experimental", "space", "discrete_space"), "scipy": ("linalg",)}
#: packages deferred whole (their submodules' import runs the package's code first)
DEFERRED_WHOLE = ("pandas",)


class DeferredModule(types.ModuleType):
    """A module whose code runs when a name it does not have yet is first read (the
    import system's own attributes, ``__spec__`` and ``__path__``, are there from the
    start, so importing it or its submodules does not run it)."""

    def __getattr__(self, name: str):
        state = self.__dict__
        self.run()
        try:
            return state[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None

    def run(self) -> None:
        """Run the module's code, unless it ran or is running."""
        state = self.__dict__
        with _LOADING:                      # one thread runs the code; the others wait for it
            if type(self) is DeferredModule and not state.get(_RUNNING):
                state[_RUNNING] = True      # a read during its own code (a submodule's import) is not a new load
                try:
                    state["__spec__"].loader.exec_module(self)
                finally:
                    del state[_RUNNING]     # after a failure the next read tries again
                self.__class__ = types.ModuleType     # from now on an ordinary module

    def running(self) -> bool:
        """Is the module's code running now (a submodule's import from inside it)?"""
        return bool(self.__dict__.get(_RUNNING))


class _Imported(importlib.abc.Loader):
    """The loader of a module that is imported already (by its package's own code)."""

    def __init__(self, module: types.ModuleType):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module) -> None:
        pass


class RunPackageFirst(importlib.abc.MetaPathFinder):
    """Before a submodule of a package deferred whole is imported, the package's own code
    runs, as an ordinary import of the submodule would run it; a submodule that code
    imported is then handed over as it is (never a second copy)."""

    def find_spec(self, fullname: str, path=None, target=None):
        package, dot, _ = fullname.partition(".")
        module = sys.modules.get(package) if dot and package in DEFERRED_WHOLE else None
        if type(module) is not DeferredModule or module.running():
            return None
        module.run()
        imported = sys.modules.get(fullname)
        return None if imported is None else importlib.util.spec_from_loader(fullname, _Imported(imported))


#: held while a deferred module runs its code (a server's threads may read one at once)
_LOADING = threading.RLock()
#: set in a deferred module's namespace while its code runs
_RUNNING = "__deferred_running__"


def defer_optional_parts() -> None:
    """Register the subpackages of :data:`DEFERRED` and the packages of
    :data:`DEFERRED_WHOLE` as deferred modules, unless their package is imported already."""
    for package, parts in DEFERRED.items():
        if package in sys.modules:
            continue
        found = importlib.util.find_spec(package)          # found, not imported
        if found is None or not found.submodule_search_locations:
            continue
        for name in parts:
            full = f"{package}.{name}"
            if full in sys.modules:
                continue
            spec = importlib.machinery.PathFinder.find_spec(full, list(found.submodule_search_locations))
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            module.__class__ = DeferredModule
            sys.modules[full] = module
    for package in DEFERRED_WHOLE:
        if package in sys.modules:
            continue
        spec = importlib.util.find_spec(package)
        if spec is None or spec.loader is None:
            continue
        if not any(isinstance(finder, RunPackageFirst) for finder in sys.meta_path):
            sys.meta_path.insert(0, RunPackageFirst())
        module = importlib.util.module_from_spec(spec)
        module.__class__ = DeferredModule
        sys.modules[package] = module
