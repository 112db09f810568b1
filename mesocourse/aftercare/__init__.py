"""Aftercare after mesotherapy: `model` (data, call lookup, dates), `figures`, `handout` (PDF), `tables`, `widgets`."""
