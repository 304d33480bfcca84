"""The date written into the map's stamp box, sent with each date's layers."""

from __future__ import annotations

import datetime as dt

from jinja2 import Template

from dashboard.core.wording import long_date
from dashboard.web.elements.literal import LiteralMacroElement


class DateStamp(LiteralMacroElement):
    """Writes the layer's date (and comparison date) into the map's stamp box when the layer is added."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var stamp = document.getElementById("fl-stamp"), compare = document.getElementById("fl-compare");
  if (stamp) {
    stamp.textContent = {{ this.text | tojson }};
    stamp.setAttribute("data-date", {{ this.iso | tojson }});
  }
  if (compare) { compare.textContent = {{ this.compare | tojson }}; }
})();
{% endmacro %}
""")

    def __init__(self, date: dt.date, compare: dt.date | None = None):
        super().__init__()
        self._name = "DateStamp"
        self.iso = date.isoformat()
        self.text = long_date(date)
        self.compare = f"changes since {long_date(compare)} highlighted" if compare else ""
