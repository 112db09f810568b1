"""A learner's server on the hub: their workspace holds the modules and an empty assignments folder, no keys."""

from mesocourse.hub.singleuser import ASSIGNMENTS, command, prepare_learner


def test_the_learner_workspace_has_modules_and_nothing_released_from_the_install(tmp_path):
    """Graded assignments come from the exchange only: none are copied from the install's grading/release."""
    folder = tmp_path / "course"
    prepare_learner(folder)
    assert (folder / "notebooks" / "00.00-Start-Here.ipynb").is_file()
    assert (folder / ASSIGNMENTS).is_dir() and not any((folder / ASSIGNMENTS).iterdir())
    assert "Assignment List" in (folder / "README.md").read_text()


def test_the_server_stops_itself_when_unused():
    """The idle stop is passed to the Jupyter server; idle kernels stop sooner."""
    args = command(3600)
    assert "--ServerApp.shutdown_no_activity_timeout=3600" in args
    assert "--MappingKernelManager.cull_idle_timeout=1800" in args
