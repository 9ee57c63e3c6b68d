"""Running models and measuring them: the plain-function interface, outcome definitions and replications."""
