"""Awkward names the export tests put into scans."""

FORMULA_NAME = '=HYPERLINK("x")'
AWKWARD_NAME = 'PAY, "DAILY"\nRUN'
MARKUP_NAME = 'a"b<c>'
MARKUP_FILE = "cobol/<img src=x onerror=alert(1)>.cbl"
