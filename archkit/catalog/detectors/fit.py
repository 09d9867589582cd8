"""Quantitative deployment-fit checks, computed by the analyses in :mod:`archkit.analysis`."""
