"""fremskudt: an agent-based simulation of Danish outreach employment programmes."""

from sim.model.model import OutreachModel
from sim.experiment.outcomes import DEFINITIONS, Outcomes
from sim.spec.parameters import Behaviour
from sim.spec.scenario import Scenario, ScenarioError, load_scenario
from sim.experiment.simulate import run_model, simulate

__all__ = ["OutreachModel", "Outcomes", "DEFINITIONS", "Behaviour", "Scenario", "ScenarioError", "load_scenario",
           "simulate", "run_model"]
__version__ = "0.1.0"
