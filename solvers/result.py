"""What a solver returns: the network it found and how it got there."""

from __future__ import annotations

from dataclasses import dataclass, field

from .network import ReLUNetwork


@dataclass
class SolveResult:
    """A solver's network (before certification) with its iteration count and working-set size."""

    network: ReLUNetwork
    n_iter: int = 0
    n_patterns: int = 0  # patterns (or directions) in the final convex program
    info: dict = field(default_factory=dict)
