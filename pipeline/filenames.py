"""What Windows refuses in a file or folder name (pure).

The inbox, the outbox and the templates' folder are often a share that Windows users open in
Explorer, whatever the server runs: a name made from a department's file or code must be one
that Windows can create and open.
"""

from __future__ import annotations

import re

# The characters <>:"/\|?* and control characters.
NOT_IN_WINDOWS_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
# The device names, reserved in any case and whatever extension follows ("NUL.tar_fel.xlsx",
# "con.xlsx"): no file or folder can have one. (Windows also reserves COM and LPT with the
# superscript digits ¹²³, which no department code can hold.)
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in "123456789"),
                             *(f"lpt{n}" for n in "123456789")})


def is_windows_device(name: str) -> bool:
    """Whether Windows reads the name as a device: "CON", "nul.tar.gz", "Com1 .xlsx"."""
    return name.split(".")[0].rstrip(" ").casefold() in WINDOWS_DEVICES
