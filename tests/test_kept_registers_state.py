"""archive/registers/periods.json damaged or edited by hand: a night never stops on it, and a
period that is over is still read against the register its outputs were written with (the
period's manifest names it too)."""

import json

import pytest

from tests.test_history import hand_in, invoke
from tests.test_kept_registers import t1_collected_then_t2, t1_goals


@pytest.mark.parametrize("damage", [
    pytest.param(lambda text: text[:len(text) // 2], id="cut off"),
    pytest.param(lambda text: json.dumps({p: s[:10] for p, s in json.loads(text).items()}),
                 id="checksums shortened by hand"),
    pytest.param(lambda text: json.dumps({p: "../../../register.xlsx"
                                          for p in json.loads(text)}),
                 id="a path instead of a checksum"),
    pytest.param(lambda text: json.dumps({p: [s] for p, s in json.loads(text).items()}),
                 id="values of another type"),
])
def test_a_damaged_periods_file_leaves_a_closed_period_its_register(workspace, register_copy,
                                                                    damage):
    config, stab = t1_collected_then_t2(workspace, register_copy)
    periods = workspace / "archive" / "registers" / "periods.json"
    periods.write_text(damage(periods.read_text(encoding="utf-8")), encoding="utf-8")
    hand_in(workspace, "STAB", "stab t1.xlsx", stab)
    result = invoke(config, "run", "--period", "2024-T1")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.output.splitlines()[1].startswith("Perioden 2024-T1 är avslutad"), \
        result.output
    assert "som arkivet har kvar" in result.output
    assert "finns inte i arkivet" not in result.output
    assert len(t1_goals(workspace)) == 20  # not the edited register's 19
    # the night has written the file anew, whole
    assert set(json.loads(periods.read_text(encoding="utf-8"))) >= {"2024-T1"}


def test_a_full_night_reads_periods_json_and_the_manifest_once(workspace, register_copy,
                                                              monkeypatch):
    """A full night for a period read against its kept register reads archive/registers/
    periods.json and the period's manifest once each (each was read three times), and tells
    and writes the same."""
    from pathlib import Path

    config, stab = t1_collected_then_t2(workspace, register_copy)
    hand_in(workspace, "STAB", "stab t1.xlsx", stab)
    reads: list[str] = []
    read_text = Path.read_text

    def counted(self, *args, **kwargs):
        reads.append(self.name)
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    result = invoke(config, "run", "--period", "2024-T1")
    assert result.exit_code == 0, result.output
    assert "Perioden läses därför mot registret som det var då" in result.output
    assert "STAB/stab t1.xlsx: Godkänd" in result.output
    assert reads.count("periods.json") == 1, reads
    assert reads.count("manifest_2024-T1.json") == 1, reads
    assert len(t1_goals(workspace)) == 20
