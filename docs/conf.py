"""Sphinx configuration of the mentormatch documentation site.

Build: ``python -m sphinx -W -b html docs docs/_build/html`` (needs the ``docs``
extra). Pages are MyST Markdown; pages with ``{code-cell}`` blocks and the
notebooks are executed at build time by myst-nb, so every example runs.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "mentormatch"
author = "the mentormatch developers"
copyright = "2026, the mentormatch developers"
# The one source of the version is pyproject.toml.
release = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
    "api_pages",
]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "README.md", "Thumbs.db", ".DS_Store"]
root_doc = "index"

# myst-nb: run every page with code cells and every notebook (committed without
# outputs); any error fails the build.
nb_execution_mode = "auto"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_in_temp = True
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# numpydoc renders the docstrings; class members are listed by autodoc itself.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_default_options = {"members": True, "member-order": "bysource",
                           "exclude-members": "__new__, __init__, model_post_init, model_config"}
autodoc_typehints = "none"
autodoc_class_signature = "separated"

html_theme = "pydata_sphinx_theme"
html_title = f"mentormatch {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": []}
