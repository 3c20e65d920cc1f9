"""Build the example inbox: filled 2024-T2 templates from all five departments.

    python examples/ange-2024/build_submissions.py

The answers (statuses, comments, assessments, sick-leave hours, budget outcome) are invented
example data, typed into real templates by pipeline.samples; they are not Ånge's figures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.register import read_register
from pipeline.samples import fill_template
from pipeline.templates import write_templates

HERE = Path(__file__).resolve().parent
PERIOD = "2024-T2"
NAMES = {  # the names departments might give their files; the pipeline ignores them
    "STAB": "Stab T2 2024.xlsx",
    "EKO": "ekonomi_tertial2.xlsx",
    "UTB": "Utbildning - måluppföljning T2.xlsx",
    "SBA": "SBA_2024-T2_mall.xlsx",
    "SOC": "Sociala avd T2 (slutlig).xlsx",
}


def build(out: Path) -> list[Path]:
    register = read_register(HERE / "register.xlsx")
    period_end = register.period(PERIOD)["period_end"]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for template in write_templates(register, PERIOD, Path(tmp)):
            code = template.name.split("_")[0]
            folder = out / code
            written.append(fill_template(template, folder / NAMES[code], department=code,
                                         period_end=period_end, seed=2024))
    return written


if __name__ == "__main__":
    for path in build(HERE / "inlamningar"):
        print(f"wrote {path}")
