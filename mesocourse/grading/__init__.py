"""The trainer's grading tools over nbgrader: release, collect, autograde, feedback, export, reports, bundle.

Only `answer_format` is for learners (released assignments call it); every other module is for trainers and
stays out of the learner bundle. Modules import nbgrader lazily where they can, so `--help` stays quick.
"""
