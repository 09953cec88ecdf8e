"""One-vs-rest: several independent scalar-output networks read as one model with one output per class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import Units


@dataclass(frozen=True)
class OneVsRestNetwork:
    """Network ``c`` scores class ``c`` (trained on +1 for that class, -1 for the others)."""

    networks: tuple

    @property
    def width(self) -> int:
        return int(sum(net.width for net in self.networks))

    def output(self, X: np.ndarray) -> np.ndarray:
        """Scores ``(n, n_classes)``: column ``c`` is network ``c``'s output."""
        return np.column_stack([net.output(X) for net in self.networks])

    @property
    def W(self) -> np.ndarray:
        return np.vstack([net.W for net in self.networks])

    @property
    def b(self) -> np.ndarray:
        return np.concatenate([net.b for net in self.networks])

    @property
    def a(self) -> np.ndarray:
        return np.concatenate([net.a for net in self.networks])

    def units(self) -> Units:
        parts = [net.units() for net in self.networks]
        return Units(np.vstack([u.lines for u in parts]), np.concatenate([u.signs for u in parts]),
                     np.concatenate([u.strengths for u in parts]))
