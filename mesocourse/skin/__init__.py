"""Skin layers and needle depths: `model` (data, geometry, verdict), `figures` (drawings), `tables`, `widgets`."""
