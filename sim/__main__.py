import sys

from sim.interface.cli import main

sys.exit(main())
