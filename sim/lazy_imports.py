"""Mesa's optional parts, imported when first used.

``import mesa`` imports, besides the model and agent classes the simulation uses, its
experimental package (continuous space, which pulls in scipy.spatial), its grid spaces
(networkx) and its discrete spaces: about half a second of CPU in every new process, none
of it used by a simulation.  Before Mesa is first imported, :func:`defer_mesa_extras`
registers those subpackages as deferred modules: ``mesa.space``, ``mesa.experimental`` and
``mesa.discrete_space`` exist as usual (name, spec, path) and run their code the first time
one of their other names is read (the workshop's visualisation does).  If Mesa was already
imported, nothing changes."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
import types

#: Mesa's subpackages that its ``__init__`` imports and a simulation never uses
MESA_EXTRAS = ("experimental", "space", "discrete_space")


class DeferredModule(types.ModuleType):
    """A module whose code runs when a name it does not have yet is first read (the
    import system's own attributes, ``__spec__`` and ``__path__``, are there from the
    start, so importing it or its submodules does not run it)."""

    def __getattr__(self, name: str):
        state = self.__dict__
        with _LOADING:                      # one thread runs the code; the others wait for it
            if type(self) is DeferredModule and not state.get(_RUNNING):
                state[_RUNNING] = True      # a read during its own code (a submodule's import) is not a new load
                try:
                    state["__spec__"].loader.exec_module(self)
                finally:
                    del state[_RUNNING]     # after a failure the next read tries again
                self.__class__ = types.ModuleType     # from now on an ordinary module
        try:
            return state[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None


#: held while a deferred module runs its code (a server's threads may read one at once)
_LOADING = threading.RLock()
#: set in a deferred module's namespace while its code runs
_RUNNING = "__deferred_running__"


def defer_mesa_extras() -> None:
    """Register Mesa's optional subpackages as deferred modules, unless Mesa is imported."""
    if "mesa" in sys.modules:
        return
    mesa = importlib.util.find_spec("mesa")          # found, not imported
    if mesa is None or not mesa.submodule_search_locations:
        return
    for name in MESA_EXTRAS:
        full = f"mesa.{name}"
        if full in sys.modules:
            continue
        spec = importlib.machinery.PathFinder.find_spec(full, list(mesa.submodule_search_locations))
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        module.__class__ = DeferredModule
        sys.modules[full] = module
