"""One pandera DataFrameModel per sheet: what every accepted value must satisfy.

Frames reach these schemas already parsed (dates as dates, numbers as floats, dropdown text
in canonical form) and indexed by Excel row number, so a failure names its row.
"""
