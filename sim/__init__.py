"""fremskudt: an agent-based simulation of Danish outreach employment programmes."""

from .model import OutreachModel
from .outcomes import DEFINITIONS, Outcomes
from .parameters import Behaviour
from .scenario import Scenario, ScenarioError, load_scenario
from .simulate import run_model, simulate

__all__ = ["OutreachModel", "Outcomes", "DEFINITIONS", "Behaviour", "Scenario", "ScenarioError", "load_scenario",
           "simulate", "run_model"]
__version__ = "0.1.0"
