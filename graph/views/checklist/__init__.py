"""A purchase list checked against the alliance before buying (``alliance check-list``, ``/reports/check-list``).

:mod:`graph.views.checklist.lines` reads the vendor's list (CSV or XLSX, Chinese or English headers,
UTF-8 or GBK) into :class:`Line` s; :mod:`graph.views.checklist.check` matches each line through the
cluster index with the union's own rules, reads who holds the matched edition and the other
editions of its work, and gives each line a verdict; :mod:`graph.views.checklist.output` writes the
result as CSV or XLSX. ``docs/acquisitions.md`` describes it for librarians.
"""

from graph.views.checklist.check import VERDICTS, CheckedLine, CheckReport, check_lines, check_list
from graph.views.checklist.lines import Line, ListError, read_list

__all__ = ["VERDICTS", "CheckReport", "CheckedLine", "Line", "ListError", "check_lines", "check_list", "read_list"]
