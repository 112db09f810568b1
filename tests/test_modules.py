"""mesocourse.modules: the module list is valid and every quiz module has its bank and notebook."""

from mesocourse.bank import bank_names
from mesocourse.modules import course_modules, quiz_modules


def test_start_page_comes_first_and_every_notebook_exists():
    """The reading order starts at the start page and names only notebooks that exist."""
    modules = course_modules()
    assert modules[0].notebook == "00.00-Start-Here.ipynb"
    assert all(module.path.exists() for module in modules)


def test_every_quiz_module_names_an_existing_bank():
    """A module's quiz bank is a file in assets/questions/."""
    assert quiz_modules()
    assert {module.bank for module in quiz_modules()} <= set(bank_names())
