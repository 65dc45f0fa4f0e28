"""Reports: notebook output set-up, offline HTML export and the charts the notebooks show."""
from .output import setup_output, show_table
from .html import export_html

__all__ = ["setup_output", "show_table", "export_html"]
