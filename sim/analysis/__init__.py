"""What the evidence identifies: calibration against reported figures and sensitivity analysis."""
