"""frontlines: who controlled what, and when, in the war against the Islamic State (2014-2019).

The core is pure Python (no Streamlit): :mod:`dashboard.places` (gazetteer and
name resolver), :mod:`dashboard.events` and :mod:`dashboard.validation` (the
curated record), :mod:`dashboard.control` (control of places over time),
:mod:`dashboard.areas` and :mod:`dashboard.model` (control areas and front
lines), :mod:`dashboard.stats` and :mod:`dashboard.export`.  Adapters:
:mod:`dashboard.cli` and the Streamlit page ``dashboard/app.py``.
"""

__version__ = "0.1.0"
