"""Skin layers and needle depths: `model` (data, geometry, verdict), `figures`, `overlay`, `tables`, `widgets`."""
