"""frontlines: who controlled what, and when, in the war against the Islamic State (2014-2019).

The core is pure Python (no Streamlit): :mod:`dashboard.core.places` (gazetteer and
name resolver), :mod:`dashboard.core.events` and :mod:`dashboard.core.validation` (the
curated record), :mod:`dashboard.core.control` (control of places over time),
:mod:`dashboard.core.areas` and :mod:`dashboard.core.model` (control areas and front
lines), :mod:`dashboard.core.stats` and :mod:`dashboard.core.features`.  Adapters:
:mod:`dashboard.cli` and the Streamlit page ``dashboard/app.py``.
"""

__version__ = "0.1.0"
