"""Browser tests: JupyterLab driven by Playwright and Chromium (a package, so its conftest never shadows tests/conftest)."""
