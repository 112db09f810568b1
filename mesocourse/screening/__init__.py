"""Pre-treatment screening: `rules` decides (plain Python), `widgets` is the intake form, `tables` the rule tables."""
