"""The course on a clinic JupyterHub: hub settings, accounts, and each account's server."""
