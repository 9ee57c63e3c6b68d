"""One module per command of the ``fremskudt`` command line (see :mod:`sim.interface.cli`)."""
