"""Exact min-cost flow.

The network, its backends, the optimality certificate and warm re-optimisation.
"""
