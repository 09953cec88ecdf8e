"""Reports of a running exact fit: the network so far and what its exact certificate proves already.

Any feasible dual point bounds the optimum from below (docs/math.md section 4), so while the solver runs
the current network ``f`` already satisfies ``p(f) - p* <= gap``, with the gap of its own certificate.
"""

from __future__ import annotations

from dataclasses import dataclass

from .certificate import Certificate
from .network import ReLUNetwork


@dataclass(frozen=True)
class Progress:
    """The network after ``rounds`` pricing rounds (``seconds`` into the fit) and its exact certificate:
    ``certificate.gap`` bounds ``p(network) - p*`` at this moment."""

    network: ReLUNetwork
    certificate: Certificate
    seconds: float
    rounds: int

    @property
    def relative_gap(self) -> float:
        """``(p - d) / p`` of the current network."""
        return self.certificate.relative_gap
