"""Agents of the model: citizens, staff, companies and the housing organisation."""

from .citizen import Citizen
from .company import Company, HousingOrganisation
from .staff import Caseworker, CompanyConsultant, Mentor

__all__ = ["Citizen", "Caseworker", "Mentor", "CompanyConsultant", "Company", "HousingOrganisation"]
