"""What to simulate: behavioural parameters and the scenario schema (the bottom layer)."""
