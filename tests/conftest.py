"""Shared test settings: hypothesis without per-example deadlines (the machine has 2 busy cores)."""

from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=40, derandomize=True)
settings.load_profile("default")
