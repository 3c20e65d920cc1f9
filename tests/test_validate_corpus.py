"""The corpus of broken and unusual files (tests/corpus.py): verdict, code and message words.

Each row says what a department would see: the verdict, the issue that explains it and the
words that message must contain, including the file name or the cell (Aktiviteter!H12).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from pipeline.cli import main
from pipeline.intake import parse_submission
from pipeline.publish.feedback import write_feedback
from pipeline.validate import validate
from tests import corpus

OK, WARN, REJECT = "Godkänd", "Godkänd med anmärkningar", "Ej godkänd"
STATUS = "Pågående enligt plan"

# case → (verdict, issue code, words in that issue's message). Godkänd cases have no issue.
EXPECTED: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    # --- File level
    "empty_file": (REJECT, "file_empty", ("empty_file.xlsx", "är tom (0 byte)")),
    "text_renamed_xlsx": (REJECT, "file_not_spreadsheet",
                          ("text_renamed_xlsx.xlsx", "är inte en Excel-fil", "Spara som")),
    "csv_renamed_xlsx": (REJECT, "file_not_spreadsheet",
                         ("csv_renamed_xlsx.xlsx", "är inte en Excel-fil")),
    "pdf_renamed_xlsx": (REJECT, "file_not_spreadsheet",
                         ("pdf_renamed_xlsx.xlsx", "är inte en Excel-fil")),
    "html_renamed_xls": (REJECT, "file_not_spreadsheet",
                         ("html_renamed_xls.xls", "slutar på .xls")),
    "truncated_copy": (REJECT, "file_truncated",
                       ("truncated_copy.xlsx", "inte kopierats färdigt", "Kopiera den")),
    "zip_without_content_types": (REJECT, "file_corrupt",
                                  ("zip_without_content_types.xlsx", "är skadad",
                                   "[Content_Types].xml saknas", "reparera")),
    "sheet_xml_broken": (REJECT, "file_corrupt",
                         ("sheet_xml_broken.xlsx", "är skadad", "ofullständigt")),
    "crc_mismatch": (REJECT, "file_corrupt", ("crc_mismatch.xlsx", "är skadad",
                                              "fel kontrollsumma")),
    "password_encrypted": (REJECT, "file_encrypted",
                           ("password_encrypted.xlsx", "lösenordsskyddad",
                            "Skicka aldrig lösenord")),
    "workbook_structure_protected": (OK, None, ()),
    "legacy_xls": (REJECT, "file_legacy_xls", ("legacy_xls.xls", "äldre formatet .xls")),
    "xls_renamed_xlsx": (REJECT, "file_extension_mismatch",
                         ("xls_renamed_xlsx.xlsx", "heter .xlsx men är sparad i ett annat "
                                                   "format")),
    "xlsb_renamed_xlsx": (REJECT, "file_wrong_format", ("xlsb_renamed_xlsx.xlsx", ".xlsb")),
    "opendocument_spreadsheet": (REJECT, "file_wrong_format",
                                 ("opendocument_spreadsheet.ods", ".ods", "LibreOffice")),
    "strict_open_xml": (REJECT, "file_wrong_format", ("strict_open_xml.xlsx",
                                                      "Strict Open XML")),
    "macros_vba_project": (REJECT, "file_macros", ("macros_vba_project.xlsm",
                                                   "innehåller makron")),
    "excel4_macro_sheet": (REJECT, "file_macros", ("excel4_macro_sheet.xlsm",
                                                   "innehåller makron")),
    # 16 MB unpacked is within the size limit: told as packed too hard, not as too large
    "zip_bomb": (REJECT, "file_packed_suspiciously", ("zip_bomb.xlsx", "växer från 16 kB till "
                                                      "16 MB när filen packas upp. Så hårt "
                                                      "packar Excel aldrig",
                                                      "Ta bort bilder")),
    "rows_far_beyond_template": (REJECT, "too_many_rows", ('"Ekonomi"', "6001 rader", "5000")),
    "value_in_last_column": (REJECT, "sheet_too_large", ("Sjukfrånvaro!XFD4900",
                                                         "långt utanför mallen")),
    "dtd_entities": (REJECT, "file_unsafe_xml", ("dtd_entities.xlsx", "säkerhetsskäl")),
    "dtd_entities_in_utf16": (REJECT, "file_unsafe_xml", ("dtd_entities_in_utf16.xlsx",
                                                          "säkerhetsskäl")),
    "dtd_in_part_not_named_xml": (REJECT, "file_unsafe_xml", ("dtd_in_part_not_named_xml.xlsx",
                                                              "säkerhetsskäl")),
    "picture_svg_with_doctype": (OK, None, ()),
    "dtd_in_sheet_named_as_a_picture": (REJECT, "file_unsafe_xml",
                                        ("dtd_in_sheet_named_as_a_picture.xlsx",
                                         "säkerhetsskäl")),
    "external_link": (WARN, "file_external_links", ("external_link.xlsx",
                                                    "från en annan fil (budget 2024.xlsx)",
                                                    "Bryt länken")),
    "data_connection": (WARN, "file_external_links", ("data_connection.xlsx",
                                                      '(datakopplingen "Ekonomisystem")',
                                                      "använt de värden som var sparade")),
    "activex_control": (WARN, "file_embedded_objects", ("activex_control.xlsx",
                                                        "1 inbäddade objekt")),
    "embedded_object": (WARN, "file_embedded_objects", ("embedded_object.xlsx",
                                                        "1 inbäddade objekt",
                                                        "inte lästs in")),
    "wrong_period": (REJECT, "file_wrong_period", ("gäller 2024-T1", "för 2024-T2")),
    "period_not_in_register": (REJECT, "file_unknown_period", ('"2024-T4"', "2024-T2")),
    "department_not_in_register": (REJECT, "file_unknown_department", ('"KULTUR"',)),
    "old_template_version": (REJECT, "file_old_template", ("old_template_version.xlsx",
                                                           "äldre version av mallen (version 0)",
                                                           "aktuella mallen (version 1) från "
                                                           "controllern")),
    # made by a later Målsystem than the one reading it: not "older", and the controller's
    "newer_template_version": (REJECT, "file_newer_template", ("newer_template_version.xlsx",
                                                               "nyare version av mallen "
                                                               "(version 2)",
                                                               "Kontakta controllern")),
    "register_changed_since_template": (WARN, "file_register_changed", ("äldre version av "
                                                                        "registret",)),
    "not_our_template": (REJECT, "file_not_template", ("not_our_template.xlsx",
                                                       "inte gjord med rapportmallen")),
    "meta_sheet_deleted": (REJECT, "file_not_template", ("meta_sheet_deleted.xlsx",)),
    # --- Structure level
    "sheet_renamed": (REJECT, "sheet_renamed", ('"Målbedömning" saknas', '"Bedömning 2024"',
                                                "Byt tillbaka namnet")),
    "sheet_deleted": (REJECT, "sheet_missing", ('"Ekonomi" saknas', '"Sjukfrånvaro"')),
    "sheet_added": (WARN, "sheet_extra", ('"Anteckningar"', "har inte lästs in")),
    "data_on_wrong_sheet": (REJECT, "sheet_moved", ('"Sjukfrånvaro" är tom', '"Blad1"')),
    "header_case_changed": (WARN, "column_renamed", ('"Antal anställda"', "kolumn C")),
    # a space only, invisible on screen: the message says where it is
    "header_space_after": (WARN, "column_renamed", ('"Status"', '"Status "',
                                                    "kolumn H, med mellanslag i slutet",
                                                    "ändra inte kolumnrubrikerna")),
    "header_renamed": (REJECT, "column_renamed_unknown",
                       ('"Status" hittades inte', '"Aktiviteter"', 'I kolumn H står "Läge"')),
    "column_deleted": (REJECT, "column_missing", ('"Prognos helår" saknas', '"Ekonomi"')),
    "column_inserted": (WARN, "column_extra", ('"Ansvarig"', "kolumn H", "inte lästs in")),
    "columns_reordered": (OK, None, ()),
    "duplicate_header": (REJECT, "column_duplicate", ('"Kommentar"', "kolumn F och G")),
    "merged_cells": (REJECT, "merged_cells", ("Aktiviteter!H3:H4", "sammanfogade")),
    "hidden_row_with_data": (WARN, "hidden_rows", ("Rad 5", "Aktiviteter", "är dold")),
    "hidden_column_with_data": (WARN, "hidden_columns",
                                ('Kolumn F ("Kommentar") på fliken Ekonomi är dold',
                                 "har lästs in", "Ta fram kolumnen")),
    "hidden_dates_of_own_activity": (WARN, "hidden_columns",
                                     ('Kolumnerna D ("Startdatum") och E ("Slutdatum")',
                                      "fliken Aktiviteter är dolda", "Ta fram kolumnerna")),
    "hidden_columns_without_data": (OK, None, ()),
    "blank_row_in_the_middle": (REJECT, "sick_exceeds_ordinary",
                                ("Sjukfrånvaro!E6", "7 000 timmar", "Sjukfrånvaro!D6")),
    "summary_row_below_table": (WARN, "summary_row", ("Rad 7", "Ekonomi", '"Summa"',
                                                      "inte lästs in")),
    "comment_row_below_table": (WARN, "comment_row", ("Rad 8", "fliken Ekonomi",
                                                      '"Kommentar: budgeten för Tillväxt',
                                                      "inte lästs in",
                                                      "i kolumnen Kommentar på raden")),
    "comment_row_on_a_sheet_without_comments": (WARN, "comment_row", (
        "Rad 9", "fliken Sjukfrånvaro", '"Obs: siffrorna från HR', "skicka kommentaren till "
        "controllern")),
    "total_in_a_number_column": (WARN, "summary_row", ("Rad 8", "fliken Sjukfrånvaro",
                                                       '"Totalt"')),
    "stray_value_outside_table": (WARN, "stray_value", ("Sjukfrånvaro!M40", "kolla med HR")),
    "stray_value_far_below_sick_leave": (WARN, "stray_value_below",
                                         ('"x"', "Sjukfrånvaro!A40", "långt under tabellen",
                                          "inte lästs in")),
    "stray_note_far_below_activities": (WARN, "stray_value_below",
                                        ('"kolla med HR om friskvården"', "Aktiviteter!C60",
                                         "långt under tabellen")),
    "own_activity_after_blank_rows": (OK, None, ()),
    "own_activity_half_typed_far_below": (REJECT, "own_activity_incomplete",
                                          ("Rad 60", "KS-mål-id och Slutdatum")),
    # Directly under the table a lone value is where a row begins (a new own activity on
    # Aktiviteter): it is read and checked as before, so nothing a department typed there
    # is dropped without an answer.
    "value_just_below_table": (REJECT, "placeholder", ("Sjukfrånvaro!A8", '"x"')),
    "formula_without_cached_value": (REJECT, "formula_uncalculated",
                                     ("Sjukfrånvaro!C2", "formel som inte har räknats ut",
                                      "F9")),
    "error_value_div0": (REJECT, "error_value", ("Ekonomi!C3", "#DIV/0!")),
    "error_value_ref": (REJECT, "error_value", ("Sjukfrånvaro!D3", "#REF!")),
    # Kommentar is optional, except that a status saying the plan does not hold asks for one
    "optional_comments_left_empty": (WARN, "deviation_unexplained",
                                     ("A3.1.2-01", "Aktiviteter!I4", '"Vänteläge"')),
    "range_made_excel_table": (OK, None, ()),
    "filter_hides_rows": (OK, None, ()),
    "filter_and_row_hidden_by_hand": (WARN, "hidden_rows", ("Rad 12 på fliken Aktiviteter",
                                                            "är dold")),
    "excel_table_filter_hides_rows": (OK, None, ()),
    # --- Cell level
    "date_iso_text": (OK, None, ()),
    "date_day_first_text": (WARN, "date_interpreted", ('"1/3 2024"', "Aktiviteter!D17",
                                                       "2024-03-01")),
    "date_dotted_text": (WARN, "date_interpreted", ('"31.12.2024"', "Aktiviteter!E17",
                                                    "2024-12-31")),
    "date_month_name": (WARN, "date_interpreted", ('"1 mars 2024"', "Aktiviteter!D17",
                                                   "2024-03-01")),
    "date_month_only": (REJECT, "date_no_day", ('"mars 2024"', "Aktiviteter!D17",
                                                "saknar dag")),
    "date_two_digit_year": (REJECT, "date_two_digit_year", ('"24-03-01"', "Aktiviteter!D17",
                                                            "tvåsiffrigt årtal")),
    "date_compact_digits": (WARN, "date_interpreted", ('"20240301"', "Aktiviteter!D17",
                                                       "2024-03-01")),
    "date_serial_number": (WARN, "date_serial", ("Aktiviteter!D17", "45352", "2024-03-01")),
    "date_impossible": (REJECT, "date_impossible", ('"2024-02-30"', "Aktiviteter!D17",
                                                    "finns inte")),
    "date_implausible_year": (REJECT, "date_implausible", ("2204-12-31", "Aktiviteter!E17")),
    "date_huge_negative_number": (REJECT, "date_out_of_range", ("Aktiviteter!D17",
                                                                "-1000000000000", "####")),
    "date_with_time_of_day": (OK, None, ()),
    "number_decimal_comma": (OK, None, ()),
    "number_thousands_spaces": (OK, None, ()),
    "number_ambiguous_dot": (REJECT, "number_ambiguous", ('"1.234"', "Sjukfrånvaro!E3",
                                                          "både 1 234 och 1,234")),
    "number_dot_decimal": (WARN, "number_dot_decimal", ('"8.6"', "Ekonomi!C2", "8,6")),
    "number_unicode_minus": (REJECT, "hours_negative", ("Sjukfrånvaro!F4", "−172")),
    "percent_in_hours": (REJECT, "hours_percent", ('"7365 %"', "Sjukfrånvaro!D3",
                                                  "är antal timmar, inte en andel i procent")),
    "percent_in_amount": (REJECT, "number_percent", ('"50%"', "Ekonomi!C2", "Utfall hittills",
                                                    "inte en andel i procent")),
    "number_with_unit": (WARN, "number_unit_removed", ('"14,6 mnkr"', "Ekonomi!D3",
                                                       "Prognos helår")),
    "number_approximate_text": (REJECT, "number_invalid", ('"ca 3"', "Sjukfrånvaro!C5",
                                                           "inte ett tal")),
    "number_range_text": (REJECT, "number_invalid", ('"8–10"', "Sjukfrånvaro!C6")),
    "hours_negative": (REJECT, "hours_negative", ("Sjukfrånvaro!E7", "negativt", "−292")),
    "hours_implausibly_high": (WARN, "hours_high", ("Sjukfrånvaro!D5", "327 200",
                                                    "3 anställda")),
    "line_breaks_in_single_line_fields": (OK, None, ()),
    "status_case_and_spaces": (OK, None, ()),
    "status_misspelled": (REJECT, "choice_invalid", ('"Pågånde enligt plan"', "Aktiviteter!H12",
                                                     'Menade du "Pågående enligt plan"?')),
    "assessment_old_word": (REJECT, "choice_invalid", ('"Delvis"', "Målbedömning!D3",
                                                       'Menade du "Delvis uppfyllt"?')),
    "status_left_empty": (REJECT, "required_empty", ("Aktiviteter!H5", "(Status) är tom")),
    "hours_left_empty": (REJECT, "required_empty", ("Sjukfrånvaro!D6", "Ordinarie arbetstid")),
    "placeholder_question_mark": (REJECT, "placeholder", ("Målbedömning!D4", '"?"',
                                                          "Bedömning")),
    "placeholder_na_in_number": (REJECT, "placeholder", ("Sjukfrånvaro!C7", '"NA"',
                                                         "Antal anställda")),
    "placeholder_as_own_activity_title": (REJECT, "placeholder", ("Aktiviteter!C17", '"?"',
                                                                  "Aktivitet")),
    "placeholder_as_analysis": (WARN, "analysis_missing", ("Målet 3.1.2", "saknar analys")),
    "end_before_start": (REJECT, "end_before_start", ("2024-03-31 (Aktiviteter!E17)",
                                                      "2024-06-01 (Aktiviteter!D17)")),
    "comment_too_long": (REJECT, "text_too_long", ("Aktiviteter!I7", "2 199 tecken",
                                                   "Högst 2 000")),
    "combining_accents_emoji_control": (OK, None, ()),
    "activity_id_lookalike": (REJECT, "activity_id_lookalike",
                              ('"A3.1.1-O4"', "Aktiviteter!A3", "A3.1.1-04")),
    "activity_id_unknown": (REJECT, "activity_unknown", ('"A9.9.9-01"', "Aktiviteter!A3",
                                                         "finns inte i registret")),
    "activity_id_cyrillic": (REJECT, "activity_id_lookalike",
                             ('"\u04103.1.1-02"', "Aktiviteter!A2", "kyrillisk")),
    "text_that_looks_like_formulas": (OK, None, ()),
    "real_formula_with_cached_value": (OK, None, ()),
    "locked_title_edited": (WARN, "locked_changed", ("Aktiviteter!C5", '"Storytelling om '
                                                     'friskvård"', "registrets värde")),
    "locked_budget_edited": (WARN, "budget_changed", ("Ekonomi!B3", "16", "14,7")),
    "boolean_in_number_cell": (REJECT, "number_invalid", ('"SANT"', "Sjukfrånvaro!C3")),
    # --- Across rows
    "activity_listed_twice": (REJECT, "activity_duplicate", ('"A3.1.2-01"', "Aktiviteter", "rad 4 och 17")),
    "goal_assessed_twice": (REJECT, "row_duplicate", ('Målet "3.1.1"', "rad 2 och 7")),
    "sick_leave_row_twice": (REJECT, "row_duplicate", ("Kvinnor, 30–49 år", "rad 3 och 8")),
    "budget_category_twice": (REJECT, "row_duplicate", ('Kategorin "Vuxna"', "rad 3 och 6")),
    "own_activity_pasted_twice": (REJECT, "rows_identical", ("Rad 17 och rad 18",
                                                             "Aktiviteter")),
    "activity_of_another_department": (REJECT, "activity_not_yours",
                                       ('"A3.1.1-01"', "Aktiviteter!A17", "STAB")),
    "goal_id_unknown": (REJECT, "goal_unknown", ('"9.9.9"', "Aktiviteter!B17", "3.1.1")),
    "goal_of_another_department": (REJECT, "goal_not_yours", ('"3.2.1"', "Målbedömning!A7",
                                                              "ägs av SOC")),
    "budget_signs_mixed": (REJECT, "budget_negative_mixed", ("Utfall hittills",
                                                             "Ekonomi!C3")),
    "budget_all_negative": (WARN, "budget_all_negative", ("Utfall hittills", "positiva")),
    "typed_total_differs_from_rows": (WARN, "total_mismatch", ("Summan i Ekonomi!C7 (57,5)",
                                                               "summan av raderna (57,4)",
                                                               "används 57,4")),
    "outcome_in_a_category_without_budget": (REJECT, "budget_category_unknown",
                                             ('"Äldre 65+"', "Ekonomi!A6", "ingen budget för",
                                              "kontakta controllern")),
    "outcome_far_above_budget": (WARN, "outcome_far_above_budget",
                                 ("Ekonomi!C5", "190 mnkr", "28,6 mnkr")),
    "forecast_far_from_budget": (WARN, "forecast_far_from_budget",
                                 ("Ekonomi!D4", "40 mnkr", "37 %")),
    "activities_all_deleted": (REJECT, "sheet_empty", ('"Aktiviteter"', "15 rader")),
    "sick_leave_row_deleted": (REJECT, "sick_rows_missing", ("Män, 30–49 år",)),
    "goal_row_deleted": (REJECT, "goal_missing", ('"3.1.2"', "Målbedömning")),
    "sick_hours_exceed_ordinary": (REJECT, "sick_exceeds_ordinary",
                                   ("Sjukfrånvaro!E2", "8 000 timmar", "Sjukfrånvaro!D2")),
    "long_term_exceeds_sick": (REJECT, "long_exceeds_sick", ("Sjukfrånvaro!F3", "1 000",
                                                             "Sjukfrånvaro!E3")),
    "status_on_empty_row": (REJECT, "own_activity_incomplete", ("Rad 20", "KS-mål-id")),
    "own_activity_incomplete": (REJECT, "own_activity_incomplete",
                                ("Rad 17", "Startdatum och Slutdatum")),
    "status_done_before_end": (WARN, "status_contradicts_end",
                               ("A3.1.2-01", "Aktiviteter!H4", '"Avslutad enligt plan"',
                                "2024-12-31")),
    "end_passed_not_finished": (WARN, "end_passed_not_finished",
                                ("A3.4.7-02", "Aktiviteter!H14", "2024-05-31")),
    "own_activity_started_last_year": (WARN, "started_before_year",
                                       ("Prova digitala friskvårdsutmaningar",
                                        "Aktiviteter!D17", "2023-09-01")),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    valid = corpus.make_valid(folder).read_bytes()
    return valid, corpus.build_corpus(folder / "inkorg", valid)


@pytest.fixture(scope="module")
def check(files, register):
    _, paths = files
    done = {}

    def run(name, **kwargs):
        key = (name, tuple(sorted(kwargs.items())))
        if key not in done:
            submission = parse_submission(paths[name].read_bytes(), name=paths[name].name)
            done[key] = validate(submission, register, corpus.PERIOD, **kwargs)
        return done[key]

    return run


def test_the_corpus_is_large_and_covers_every_group_of_bad_inputs():
    groups = Counter(case.group for case in corpus.CASES.values())
    assert sum(groups.values()) >= 40
    assert set(groups) == {"File level", "Structure level", "Cell level", "Across rows"}
    assert min(groups.values()) >= 10
    assert set(EXPECTED) == set(corpus.CASES), "every case needs an expected verdict"


def test_the_untouched_file_is_accepted_without_remarks(files, register):
    valid, _ = files
    report, data = validate(parse_submission(valid, name="STAB.xlsx"), register, corpus.PERIOD)
    assert report.verdict.value == OK, [i.message for i in report.issues]
    assert len(data.activities) == 15 and len(data.sick_leave) == 6


@pytest.mark.parametrize("name", list(EXPECTED))
def test_verdict_and_message(name, check):
    verdict, code, words = EXPECTED[name]
    report, data = check(name)
    codes = [i.code for i in report.issues]
    assert "internal_error" not in codes
    assert report.verdict.value == verdict, [i.message for i in report.issues]
    if code is None:
        assert report.issues == []
        return
    found = [i for i in report.issues if i.code == code]
    assert found, f"{code} not among {codes}"
    message = found[0].message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert (data is None) == (verdict == REJECT)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_message_names_its_place(name, check):
    report, _ = check(name)
    for issue in report.issues:
        message = issue.message
        assert message.rstrip().endswith((".", "?")), message
        if issue.sheet:
            assert issue.sheet in message, message
        if issue.cell:
            row = issue.row
            assert issue.cell in message or re.search(rf"\b[Rr]ad(erna)?\b[^.]*\b{row}\b", message) or \
                re.search(rf"\b[Kk]olumn(erna)?\b[^.]*\b{issue.cell.rstrip('0123456789')}\b",
                          message), message
        if issue.sheet is None:  # about the file as a whole
            assert "Filen" in message or "Mallen" in message, message


def test_wrong_department_folder(check):
    report, _ = check("register_changed_since_template", folder_department="EKO")
    [issue] = [i for i in report.issues if i.code == "file_wrong_folder"]
    assert report.verdict.value == REJECT
    assert 'avdelning "STAB"' in issue.message and 'inkorgen för "EKO"' in issue.message


# --- what an accepted file hands on: the values, normalised --------------------------------

def _row(frame, row):
    [record] = frame[frame["row"] == row].to_dict("records")
    return record


def test_dates_keep_the_day_and_drop_the_time(check):
    _, data = check("date_with_time_of_day")
    own = _row(data.activities, corpus.FIRST_OWN_ROW)
    assert (own["start"], own["end"]) == (dt.date(2024, 3, 1), dt.date(2024, 12, 31))
    assert own["own"] and not isinstance(own["activity_id"], str)
    for name in ("date_iso_text", "date_day_first_text", "date_month_name",
                 "date_compact_digits", "date_serial_number"):
        _, data = check(name)
        assert _row(data.activities, corpus.FIRST_OWN_ROW)["start"] == dt.date(2024, 3, 1), name


def test_swedish_numbers_are_read_as_the_department_meant(check):
    _, data = check("number_decimal_comma")
    assert _row(data.sick_leave, 2)["long_term_hours"] == 87.5
    _, data = check("number_thousands_spaces")
    assert [_row(data.sick_leave, r)["ordinary_hours"] for r in (2, 3, 4)] == [7365, 20583,
                                                                              14967]
    _, data = check("number_dot_decimal")
    assert _row(data.budget, 2)["outcome"] == 8.6
    _, data = check("number_with_unit")
    assert _row(data.budget, 3)["forecast"] == 14.6
    _, data = check("budget_all_negative")
    assert list(data.budget["outcome"]) == [8.6, 9.5, 20.3, 19.0]
    _, data = check("real_formula_with_cached_value")
    assert _row(data.sick_leave, 2)["employees"] == 7


def test_dropdown_variants_and_line_breaks_become_the_canonical_text(check):
    _, data = check("status_case_and_spaces")
    assert _row(data.activities, 2)["status"] == STATUS
    assert _row(data.activities, 3)["status"] == STATUS
    _, data = check("line_breaks_in_single_line_fields")
    assert _row(data.activities, 2)["status"] == STATUS
    own = _row(data.activities, corpus.FIRST_OWN_ROW)
    assert own["title"] == "Prova digitala friskvårdsutmaningar"
    assert own["comment"] == "Rad ett.\nRad två."  # kept in comment fields


def test_text_is_composed_and_control_characters_removed(check):
    _, data = check("combining_accents_emoji_control")
    assert _row(data.activities, 2)["comment"] == "Café med personalen \U0001F600 klart"
    assert "\u00e9" in _row(data.activities, 2)["comment"]


def test_text_that_looks_like_a_formula_is_kept_as_typed(check):
    _, data = check("text_that_looks_like_formulas")
    comments = {r: _row(data.activities, r)["comment"] for r in (2, 3, 4, 6)}
    assert comments == {
        2: '=HYPERLINK("https://intranet.ange.se/friskvard","Läs mer")',
        3: "+46 70 123 45 67 (Eva)",
        4: "@Eva: klart i juni",
        6: "- punkt ett",
    }


def test_columns_are_found_by_header_not_by_place(check, files, register):
    valid, _ = files
    _, original = validate(parse_submission(valid, name="STAB.xlsx"), register, corpus.PERIOD)
    _, data = check("columns_reordered")
    assert list(data.activities["status"]) == list(original.activities["status"])
    assert list(data.activities["comment"]) == list(original.activities["comment"])
    _, data = check("column_inserted")
    assert list(data.activities["status"]) == list(original.activities["status"])


def test_locked_cells_changed_by_the_department_are_taken_from_the_register(check):
    _, data = check("locked_title_edited")
    row = _row(data.activities, 5)
    assert row["title"] == "Skapa Storytelling med temat friskvårdsbidrag"
    assert row["end"] == dt.date(2024, 8, 31)
    _, data = check("locked_budget_edited")
    assert _row(data.budget, 3)["budget"] == 14.7


def test_rows_hidden_by_an_active_filter_are_read(check, files, register):
    valid, _ = files
    _, original = validate(parse_submission(valid, name="STAB.xlsx"), register, corpus.PERIOD)
    _, data = check("filter_hides_rows")
    assert data.activities.equals(original.activities)  # the filter's hidden rows too
    assert (_row(data.activities, 4)["status"], _row(data.activities, 5)["status"]) == (
        "Vänteläge", "Avslutad enligt plan")
    _, data = check("excel_table_filter_hides_rows")
    assert data.sick_leave.equals(original.sick_leave)
    assert _row(data.sick_leave, 6)["employees"] == 8  # Män, 30–49 år: hidden by the filter


def test_only_rows_hidden_outside_an_active_filter_are_reported(check):
    report, data = check("filter_and_row_hidden_by_hand")
    [hidden] = [i for i in report.issues if i.code == "hidden_rows"]
    assert hidden.message.startswith("Rad 12 ") and " 4" not in hidden.message
    assert _row(data.activities, 4)["status"] == "Vänteläge"
    assert len(data.activities) == 15


def test_hidden_columns_are_read_and_only_typed_data_is_reported(check, files, register):
    valid, _ = files
    _, original = validate(parse_submission(valid, name="STAB.xlsx"), register, corpus.PERIOD)
    report, data = check("hidden_column_with_data")
    assert [i.code for i in report.issues] == ["hidden_columns"]  # one warning for the sheet
    assert report.issues[0].cell == "F1"
    assert data.budget.equals(original.budget)
    assert _row(data.budget, 5)["comment"] == _row(original.budget, 5)["comment"] != ""
    report, data = check("hidden_dates_of_own_activity")
    assert [i.code for i in report.issues] == ["hidden_columns"]
    assert _row(data.activities, corpus.FIRST_OWN_ROW)["start"] == dt.date(2024, 3, 1)
def test_a_stray_value_far_below_is_not_read_but_a_row_there_is(check, files, register):
    valid, _ = files
    _, original = validate(parse_submission(valid, name="STAB.xlsx"), register, corpus.PERIOD)
    report, data = check("stray_value_far_below_sick_leave")
    assert [i.code for i in report.issues] == ["stray_value_below"]
    assert list(data.sick_leave["row"]) == list(original.sick_leave["row"]) == [2, 3, 4, 5, 6, 7]
    report, data = check("stray_note_far_below_activities")
    assert [(i.code, i.cell) for i in report.issues] == [("stray_value_below", "C60")]
    assert list(data.activities["row"]) == list(original.activities["row"])

    _, data = check("own_activity_after_blank_rows")
    own = _row(data.activities, corpus.FIRST_OWN_ROW + 25)
    assert own["own"] and own["title"] == "Prova digitala friskvårdsutmaningar"
    assert (own["ks_ids"], own["start"], own["status"]) == (
        ("3.1.1",), dt.date(2024, 3, 1), STATUS)


def test_a_stray_number_is_shown_as_the_department_wrote_it(files, register):
    valid, _ = files
    content = corpus.cells(valid, "Sjukfrånvaro", {"D40": 1234.5})
    report, _ = validate(parse_submission(content, name="STAB.xlsx"), register, corpus.PERIOD)
    [issue] = report.issues
    assert (issue.code, issue.cell) == ("stray_value_below", "D40")
    assert '("1234,5")' in issue.message


@pytest.mark.parametrize(("cell", "expected"), [
    ("H31", ("own_activity_incomplete", "B31")),  # the last of the 15 own-activity rows
    ("H34", ("own_activity_incomplete", "B34")),  # 17 blank rows: still the table's end
    ("H35", ("stray_value_below", "H35")),  # 18: the own-activity rows and three more
])
def test_a_lone_value_in_the_own_activity_rows_is_a_row_begun(files, register, cell, expected):
    valid, _ = files
    content = corpus.cells(valid, "Aktiviteter", {cell: "Försenad"})
    report, _ = validate(parse_submission(content, name="STAB.xlsx"), register, corpus.PERIOD)
    assert [(i.code, i.cell) for i in report.issues] == [expected]


# --- the feedback a rejected department gets back -------------------------------------------

def test_every_rejected_file_gets_a_feedback_workbook(check, files, tmp_path):
    _, paths = files
    for name, (verdict, _, _) in EXPECTED.items():
        if verdict != REJECT:
            continue
        report, _ = check(name)
        out = write_feedback(report, paths[name].read_bytes(), tmp_path / name)
        book = openpyxl.load_workbook(out)
        assert book.sheetnames[0] == "Fel", name
        listed = [book["Fel"].cell(r, 5).value for r in range(5, 5 + len(report.issues))]
        assert listed and all(listed), name


def test_cli_validate_rejects_and_writes_marked_up_copies(files, workspace):
    _, paths = files
    feedback = workspace / "feedback"
    chosen = [paths[n] for n in ("status_misspelled", "pdf_renamed_xlsx",
                                 "number_decimal_comma")]
    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "validate",
                                       *map(str, chosen), "--feedback", str(feedback)])
    assert result.exit_code == 1, result.output
    assert "status_misspelled.xlsx: Ej godkänd" in result.output
    assert "pdf_renamed_xlsx.xlsx: Ej godkänd" in result.output
    assert "number_decimal_comma.xlsx: Godkänd" in result.output
    assert "Aktiviteter!H12" in result.output

    book = openpyxl.load_workbook(feedback / "STAB_2024-T2_fel.xlsx")
    assert book.sheetnames[0] == "Fel"
    problems = [[c.value for c in row] for row in book["Fel"].iter_rows(min_row=5)]
    [line] = [p for p in problems if p[3] == "H12"]
    assert line[1:3] == ["Fel", "Aktiviteter"]
    assert '"Pågånde enligt plan"' in line[4] and "Menade du" in line[4]
    cell = book["Aktiviteter"]["H12"]
    assert cell.comment is not None and "Pågånde enligt plan" in cell.comment.text
    assert cell.value == "Pågånde enligt plan"  # the department's own text, untouched

    hostile = openpyxl.load_workbook(feedback / "pdf_renamed_xlsx_fel.xlsx")
    texts = [c.value for row in hostile["Fel"].iter_rows() for c in row if c.value]
    assert any("är inte en Excel-fil" in str(t) for t in texts)


def test_cli_validate_accepts_a_clean_file(files, workspace, tmp_path):
    valid, _ = files
    path = tmp_path / "STAB.xlsx"
    path.write_bytes(valid)
    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "validate",
                                       str(path)])
    assert result.exit_code == 0, result.output
    assert "STAB.xlsx: Godkänd" in result.output


def test_feedback_keeps_formula_like_text_as_text(files, register, tmp_path):
    # a rejected file whose comments look like formulas: the copy must not turn them into ones
    _, paths = files
    content = corpus.cells(paths["text_that_looks_like_formulas"].read_bytes(), "Aktiviteter",
                           {"H5": "pågånde"})
    report, _ = validate(parse_submission(content, name="f.xlsx"), register, corpus.PERIOD)
    assert report.verdict.value == REJECT
    out = write_feedback(report, content, tmp_path)
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["Aktiviteter"]
    assert sheet["I2"].data_type == "s"
    assert sheet["I2"].value.startswith("=HYPERLINK(")


def test_a_corrected_feedback_copy_handed_in_with_its_fel_sheet_is_accepted_silently(
        files, register, tmp_path):
    """The Fel sheet says the department may keep it ("ta bort fliken Fel om du vill"): a copy
    corrected and handed in with it gets no remark about an unknown sheet."""
    valid, _ = files
    broken = corpus.cells(valid, "Aktiviteter", {"H5": "pågånde"})
    report, _ = validate(parse_submission(broken, name="f.xlsx"), register, corpus.PERIOD)
    assert report.verdict.value == REJECT
    out = write_feedback(report, broken, tmp_path)
    book = openpyxl.load_workbook(out)
    assert "ta bort fliken Fel om du vill" in book["Fel"]["A2"].value
    book["Aktiviteter"]["H5"] = "Pågående enligt plan"
    corrected = tmp_path / "rattad.xlsx"
    book.save(corrected)
    again, _ = validate(parse_submission(corrected.read_bytes(), name=corrected.name), register,
                        corpus.PERIOD)
    before, _ = validate(parse_submission(valid, name="f.xlsx"), register, corpus.PERIOD)
    assert again.verdict == before.verdict
    assert [i.code for i in again.issues] == [i.code for i in before.issues]
    # (any other added sheet is still told: the corpus case sheet_added)


def test_a_departments_own_fel_sheet_survives_its_feedback_copies(files, register, tmp_path):
    """A department keeps notes on a sheet it named Fel. The feedback copy keeps it as it was
    (its text, its red cell) and lists the problems on a sheet of its own, "Fel (2)", found by
    its content when the copy comes back and is refused again: our list is replaced, theirs
    is not, and their red cell is not taken for one of our marks. Their sheet is told as any
    added sheet; ours is not."""
    valid, _ = files

    def own_notes(book):
        notes = book.create_sheet("Fel")
        notes["A1"], notes["A2"], notes["C5"] = "Att göra", "Fråga Lena om A3.1.1-02", "klart"
        notes["C5"].fill = PatternFill("solid", fgColor="FFC7CE")
    broken = corpus.cells(corpus.edit(valid, own_notes), "Aktiviteter",
                          {"H5": "pågånde", "H6": "klart"})
    report, _ = validate(parse_submission(broken, name="f.xlsx"), register, corpus.PERIOD)
    first = openpyxl.load_workbook(write_feedback(report, broken, tmp_path / "1"))
    assert first.sheetnames[0] == "Fel (2)"
    assert [first["Fel"][ref].value for ref in ("A1", "A2", "C5")] == [
        "Att göra", "Fråga Lena om A3.1.1-02", "klart"]
    assert "ta bort fliken Fel (2) om du vill" in first["Fel (2)"]["A2"].value
    first["Aktiviteter"]["H5"] = "Pågående enligt plan"
    corrected = tmp_path / "rattad.xlsx"
    first.save(corrected)
    content = corrected.read_bytes()
    again, _ = validate(parse_submission(content, name=corrected.name), register, corpus.PERIOD)
    assert [i.cell for i in again.errors] == ["H6"]
    assert [i.sheet for i in again.issues if i.code == "sheet_extra"] == ["Fel"]
    second = openpyxl.load_workbook(write_feedback(again, content, tmp_path / "2"))
    assert sorted(second.sheetnames) == sorted(first.sheetnames)
    assert second["Fel"]["A1"].value == "Att göra"
    assert second["Fel"]["C5"].fill.fgColor.rgb[-6:] == "FFC7CE"
    listed = [row[3] for row in second["Fel (2)"].iter_rows(min_row=5, values_only=True)]
    assert "H6" in listed and "H5" not in listed


def test_a_feedback_copy_refused_again_marks_only_this_rounds_problems(files, register,
                                                                       tmp_path):
    """The department corrects one of two marked cells in its feedback copy and hands it in:
    the new copy no longer shows the corrected cell red with last round's comment."""
    valid, _ = files
    broken = corpus.cells(valid, "Aktiviteter", {"H5": "pågånde", "H6": "klart",
                                                 "H7": "Avbruten", "I7": ""})
    report, _ = validate(parse_submission(broken, name="f.xlsx"), register, corpus.PERIOD)
    first = openpyxl.load_workbook(write_feedback(report, broken, tmp_path / "1"))
    assert first["Aktiviteter"]["H5"].comment and first["Aktiviteter"]["H6"].comment
    first["Aktiviteter"]["H5"] = "Pågående enligt plan"
    first["Aktiviteter"]["H5"].comment.author = " "  # as LibreOffice saves it
    first["Aktiviteter"]["C5"].comment = Comment("Varning: som en tidigare version skrev", " ")
    corrected = tmp_path / "rattad.xlsx"
    first.save(corrected)
    content = corrected.read_bytes()
    again, _ = validate(parse_submission(content, name="rattad.xlsx"), register, corpus.PERIOD)
    assert [i.cell for i in again.errors] == ["H6"]
    second_book = openpyxl.load_workbook(write_feedback(again, content, tmp_path / "2"))
    assert [i.code for i in again.warnings] == ["deviation_unexplained"]
    assert second_book["Fel"]["A2"].value.startswith("1 fel och 1 anmärkning. Rätta")
    second = second_book["Aktiviteter"]
    fresh = openpyxl.load_workbook(io.BytesIO(valid))["Aktiviteter"]
    assert second["H5"].comment is None and second["C5"].comment is None
    assert second["H5"].fill.fgColor.rgb[-6:] == fresh["H5"].fill.fgColor.rgb[-6:]
    assert second["A5"].fill.fgColor.rgb[-6:] == fresh["A5"].fill.fgColor.rgb[-6:]  # locked
    assert "klart" in second["H6"].comment.text
    assert second["H6"].fill.fgColor.rgb[-6:] == "FFC7CE"


def test_a_departments_own_bad_cell_style_survives_a_second_feedback_copy(files, register,
                                                                            tmp_path):
    """Excel's "Dålig" and "Neutral" cell styles have our two fills. While last round's Fel
    sheet is in the copy, only the cells it listed lose their colour; without it, every cell
    with our colour is taken for ours."""
    valid, _ = files
    broken = corpus.cells(valid, "Aktiviteter", {"H5": "pågånde", "H6": "klart"})
    report, _ = validate(parse_submission(broken, name="f.xlsx"), register, corpus.PERIOD)
    first = openpyxl.load_workbook(write_feedback(report, broken, tmp_path / "1"))
    first["Aktiviteter"]["H5"] = "Pågående enligt plan"
    first["Aktiviteter"]["I8"].fill = PatternFill("solid", fgColor="FFC7CE")  # "Dålig"
    first["Aktiviteter"]["I9"].fill = PatternFill("solid", fgColor="FFEB9C")  # "Neutral"
    for keep_fel in (True, False):
        if not keep_fel:
            del first["Fel"]
        corrected = tmp_path / f"rattad{keep_fel}.xlsx"
        first.save(corrected)
        content = corrected.read_bytes()
        again, _ = validate(parse_submission(content, name=corrected.name), register,
                            corpus.PERIOD)
        assert [i.cell for i in again.errors] == ["H6"]
        second = openpyxl.load_workbook(
            write_feedback(again, content, tmp_path / str(keep_fel)))["Aktiviteter"]
        fresh = openpyxl.load_workbook(io.BytesIO(valid))["Aktiviteter"]
        assert second["H5"].fill.fgColor.rgb[-6:] == fresh["H5"].fill.fgColor.rgb[-6:]
        assert second["H6"].fill.fgColor.rgb[-6:] == "FFC7CE"
        own = [second[ref].fill.fgColor.rgb[-6:] for ref in ("I8", "I9")]
        assert own == (["FFC7CE", "FFEB9C"] if keep_fel else
                       [fresh[ref].fill.fgColor.rgb[-6:] for ref in ("I8", "I9")])


def test_a_file_that_is_plainly_no_workbook_is_called_the_wrong_file():
    """A PDF named .pdf is no surprise "despite its name": it is the wrong file."""
    for name, content in (("rapport.pdf", b"%PDF-1.7 ..."), ("anteckningar", b"hej")):
        [issue] = parse_submission(content, name=name).issues
        assert issue.code == "file_not_excel"
        assert "trots att" not in issue.message
    [issue] = parse_submission(b"%PDF-1.7 ...", name="rapport.pdf").issues
    assert issue.message.startswith("Filen rapport.pdf är ingen Excel-arbetsbok, utan en "
                                    "annan sorts fil (.pdf). Lämna in den ifyllda mallen")


def test_a_marked_header_gets_its_header_colour_back_in_the_next_round(files, register,
                                                                       tmp_path):
    """Not the grey of a locked cell: the header's white text would vanish on it."""
    valid, _ = files
    broken = corpus.cells(valid, "Ekonomi", {"F1": "Kommentarer"})
    report, _ = validate(parse_submission(broken, name="f.xlsx"), register, corpus.PERIOD)
    first = openpyxl.load_workbook(write_feedback(report, broken, tmp_path / "1"))
    assert first["Ekonomi"]["F1"].fill.fgColor.rgb[-6:] in ("FFC7CE", "FFEB9C")
    first["Ekonomi"]["F1"] = "Kommentar"
    first["Aktiviteter"]["H5"] = "pågånde"
    corrected = tmp_path / "rattad.xlsx"
    first.save(corrected)
    content = corrected.read_bytes()
    again, _ = validate(parse_submission(content, name="rattad.xlsx"), register, corpus.PERIOD)
    second = openpyxl.load_workbook(write_feedback(again, content, tmp_path / "2"))
    fresh = openpyxl.load_workbook(io.BytesIO(valid))
    for ref in ("F1", "E1"):  # an input column's header, a locked one's
        assert second["Ekonomi"][ref].fill.fgColor.rgb[-6:] == \
            fresh["Ekonomi"][ref].fill.fgColor.rgb[-6:]


# --- what the real 2023 report contains ------------------------------------------------------

def seed_2023(name: str) -> list[dict[str, str]]:
    with open(corpus.ROOT / "tests" / "data" / "seed_2023" / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_what_the_2023_report_contains_is_accepted_with_warnings(files, register):
    """Ånge's 2023 goal report has goals without analysis (2.5.1, 2.15.1), activities "Avslutad
    enligt plan" that end years later, activities that started the year before and many empty
    comments. A department reporting like that gets warnings, not a rejection."""
    valid, _ = files
    activities = seed_2023("activities.csv")
    [together] = [a for a in activities if a["title"].startswith("Samarbete mellan social")][:1]
    unclosed = next(a["comment"] for a in activities if a["comment"].count('"') % 2)
    assert together["status"] == "Avslutad enligt plan" and together["end_date"] > "2026"
    content = corpus.own_activity(valid, title=together["title"], comment=together["comment"],
                                  status=together["status"], start=dt.datetime(2023, 8, 14),
                                  end=dt.datetime.fromisoformat(together["end_date"]))
    content = corpus.cells(content, "Målbedömning", {"D2": "Uppfyllt", "E2": None,
                                                     "D3": "Uppfyllt", "E3": ""})
    content = corpus.cells(content, "Aktiviteter", {
        "H4": "Avslutad enligt plan",  # A3.1.2-01 ends 2024-12-31, after the period
        "I5": None, "I6": None, "I7": "", "I8": unclosed})

    report, data = validate(parse_submission(content, name="STAB_2024-T2.xlsx"), register,
                            corpus.PERIOD)
    assert report.verdict.value == WARN, [i.message for i in report.errors]
    places = {(i.code, f"{i.sheet}!{i.cell}") for i in report.issues}
    assert places >= {("analysis_missing", "Målbedömning!E2"),
                      ("analysis_missing", "Målbedömning!E3"),
                      ("status_contradicts_end", "Aktiviteter!H4"),
                      ("status_contradicts_end", "Aktiviteter!H17"),
                      ("started_before_year", "Aktiviteter!D17")}
    [late] = [i for i in report.issues if i.cell == "H17"]
    assert together["title"] in late.message and "2026-12-31" in late.message
    [missing] = [i for i in report.issues if i.cell == "E2"]
    assert "Målet 3.1.1" in missing.message and '"Uppfyllt"' in missing.message

    own = _row(data.activities, 17)
    assert (own["title"], own["status"], own["start"]) == (
        together["title"], "Avslutad enligt plan", dt.date(2023, 8, 14))
    assert own["comment"] == together["comment"]
    assert [_row(data.activities, r)["comment"] for r in (5, 6, 7)] == ["", "", ""]
    assert _row(data.activities, 8)["comment"] == unclosed
    assert list(data.assessments["analysis"])[:2] == ["", ""]


def test_a_typed_total_is_compared_only_where_it_is_off(check):
    report, _ = check("typed_total_differs_from_rows")
    assert [i.cell for i in report.issues if i.code == "total_mismatch"] == ["C7"]  # not B7
    report, _ = check("summary_row_below_table")  # a total that agrees: only "not read"
    assert [i.code for i in report.issues] == ["summary_row"]


def test_a_typed_total_is_not_compared_with_rows_that_were_refused(files, register):
    valid, _ = files
    content = corpus.percent_in_amount(corpus.typed_total_differs_from_rows(valid))
    report, _ = validate(parse_submission(content, name="STAB.xlsx"), register, corpus.PERIOD)
    assert "number_percent" in [i.code for i in report.issues]  # Utfall in C2 is refused,
    assert "total_mismatch" not in [i.code for i in report.issues]  # so C7 has no true sum


@pytest.mark.parametrize(("status", "remarked"), [
    ("Pågående enligt plan", True), ("Ej påbörjad", True), ("Försenad", False),
    ("Pågående med avvikelse", False), ("Vänteläge", False), ("Avslutad enligt plan", False)])
def test_a_passed_end_date_is_remarked_only_when_the_status_does_not_say_so(
        files, register, status, remarked):
    """A department that reports an activity past its end date as "Försenad" has told the
    truth: no remark (the workbook still flags the activity). "Pågående enligt plan" past
    the end date contradicts it and is told what to do."""
    valid, _ = files
    content = corpus.cells(valid, "Aktiviteter", {"H14": status})  # A3.4.7-02 ends 2024-05-31
    report, _ = validate(parse_submission(content, name="f.xlsx"), register, corpus.PERIOD)
    told = [i.message for i in report.issues if i.code == "end_passed_not_finished"]
    assert told == ([f'Aktiviteten A3.4.7-02 (Aktiviteter!H14) skulle vara klar 2024-05-31 men '
                     f'har status "{status}". Välj "Försenad" eller den status som stämmer, och '
                     f'skriv i kommentaren när den blir klar.'] if remarked else [])


def test_cli_validate_lists_errors_first_in_the_templates_sheet_order(files, workspace,
                                                                      tmp_path):
    valid, _ = files
    content = corpus.cells(valid, "Ekonomi", {"C2": "mycket"})
    content = corpus.cells(content, "Aktiviteter", {"H14": "Pågående enligt plan",  # warning
                                                    "H12": "Pågånde enligt plan"})  # error
    path = tmp_path / "blandat.xlsx"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["--config", str(workspace / "pipeline.toml"), "validate",
                                       str(path)])
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    kinds = [line.split(":")[0] for line in lines]
    assert kinds == sorted(kinds, key=lambda k: k != "Fel") and "Anmärkning" in kinds, lines
    errors = [line for line in lines if line.startswith("Fel")]
    assert "Aktiviteter!H12" in errors[0] and "Ekonomi!C2" in errors[-1], errors


def test_feedback_for_a_file_wrong_as_a_whole_does_not_point_at_red_cells(check, files,
                                                                         tmp_path):
    """The wrong period: no cell is marked, so the header must not say to correct red cells
    in this file; the list says what to do."""
    _, paths = files
    report, _ = check("wrong_period")
    out = write_feedback(report, paths["wrong_period"].read_bytes(), tmp_path)
    header = openpyxl.load_workbook(out)["Fel"]["A2"].value
    assert "Felen gäller filen som helhet" in header and "markerade med rött" not in header
    assert any("Ska filen ändå räknas för 2024-T1, kontakta controllern. Rapporten för "
               "2024-T2 lämnar ni i mallen för 2024-T2" in i.message for i in report.errors)
