from sim.interface.cli import run

run()
