"""Patient case scenarios: `model` loads and checks the cases (plain Python), `widgets` is the case player."""
