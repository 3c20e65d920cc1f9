"""Issues and reports: what is wrong with a file, in plain Swedish, from one message catalogue.

Each catalogue entry has a severity and a template; the placeholders are filled from the
keyword arguments of `make`. A message always says what was found and what to do; the place
(file, sheet, cell) is carried separately so it can be shown in a column or prefixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from .identity import mask_identity_numbers
from .labels import TEMPLATE_SHEETS, Severity, Verdict

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

CATALOGUE: dict[str, tuple[Severity, str]] = {
    # --- the register ------------------------------------------------------------------
    "register_unreadable": (E, "Registret {fil} kunde inte läsas: {orsak}. Kontrollera att filen "
                               "finns och är en Excel-arbetsbok (*.xlsx)."),
    "register_sheet_missing": (E, 'Fliken "{flik}" saknas i registret. Lägg till fliken med '
                                  "rubrikerna {rubriker} på rad 1."),
    "register_sheet_renamed": (E, 'Fliken "{flik}" saknas i registret, men det finns en flik '
                                  '"{namn}". Byt namn på den till "{flik}": flikarna hittas på '
                                  "sina namn."),
    "register_column_missing": (E, 'Kolumnen "{kolumn}" saknas på fliken "{flik}". Skriv rubriken '
                                   "på rad 1; kolumnerna hittas på rubriken, inte på platsen."),
    "register_duplicate_header": (E, 'Rubriken "{kolumn}" finns två gånger på fliken "{flik}" '
                                     "(kolumn {b1} och {b2}). Ta bort den ena."),
    "register_empty_sheet": (E, 'Fliken "{flik}" har inga rader under rubrikraden. Fyll i fliken.'),
    "register_required": (E, '"{kolumn}" är tom på rad {rad}. Fyll i värdet.'),
    "register_duplicate_id": (E, '{kolumn} "{värde}" finns på flera rader ({rader}). Varje id får '
                                 "bara finnas en gång."),
    "register_unknown_ref": (E, '{kolumn} "{värde}" finns inte på fliken "{mål_flik}". Lägg till '
                                "det där eller rätta värdet."),
    "register_several_owners": (E, 'Målägare "{värde}" är flera avdelningar, men ett KS-mål har en '
                                   "enda målägare: den avdelning som bedömer målet. Skriv en av "
                                   "{koder}. De andra kan stå som Ansvarig för målets aktiviteter "
                                   'på fliken "Aktiviteter".'),
    "register_bad_choice": (E, '"{värde}" är inte ett giltigt värde för {kolumn}. Välj ett av: '
                               "{lista}."),
    "register_bad_date": (E, '"{värde}" i kolumnen {kolumn} är inte ett datum. Skriv datum som '
                             "ÅÅÅÅ-MM-DD, t.ex. 2024-03-31."),
    "register_bad_number": (E, '"{värde}" i kolumnen {kolumn} är inte ett tal. Skriv bara siffror, '
                               "t.ex. 81,7."),
    "register_negative": (E, '{kolumn} är negativ ({värde}). Ange belopp som positiv nettokostnad.'),
    "register_end_before_start": (E, "Slutdatum {slut} är före startdatum {start}. Kontrollera "
                                     "datumen."),
    "register_deadline_before_end": (E, "Sista inlämningsdag {sista} är före periodens slut "
                                        "{slut}. Kontrollera datumen."),
    "register_period_order": (E, "Periodslut {slut} för {period} är inte efter periodslutet för "
                                 "{före} ({före_slut}). Perioderna följer på varandra: rätta "
                                 "datumet, så att T1, T2 och T3 slutar i den ordningen."),
    "register_period_end_year": (E, "Periodslut {slut} ligger inte i {år}, periodens år. Har raden "
                                    "kopierats från förra årets register? Skriv årets datum."),
    "register_duplicate_folded": (E, '{kolumn} "{värde}" skiljer sig bara i stora och små '
                                     'bokstäver från "{annat}" på rad {annan_rad}. Varje id får '
                                     "bara finnas en gång: ge aktiviteterna olika id eller ta "
                                     "bort den ena raden."),
    "register_open": (W, "Registret {fil} är öppet i Excel eller LibreOffice ({låsfil} finns "
                         "bredvid det). Mallarna är gjorda från den senast sparade versionen: har "
                         "du ändrat något som inte är sparat, spara registret och kör pipeline "
                         "templates igen."),
    "templates_period_passed": (W, "Sista inlämningsdag för {period} var {deadline}. Är det "
                                   "mallarna för nästa period, {nästa}, du vill göra: ändra "
                                   'period i pipeline.toml till "{nästa}" (eller skriv --period '
                                   "{nästa}) och kör pipeline templates igen."),
    # A period read against another register than the one its outputs were written with
    # (kept_registers.for_period): what the night says before its other lines.
    "period_over_register_kept": (W, "Perioden {period} är avslutad ({sedan}), och registret "
                                     "{fil} har ändrats sedan "
                                     "periodens sammanställning skrevs ({ändringar}). "
                                     "Perioden läses därför mot registret som det var då, som "
                                     "arkivet har kvar ({arkiverat}): det de förtroendevalda "
                                     "har fått ändras bara av de filer som räknas för "
                                     "{period} nu. "
                                     "Ändringarna i registret gäller från {senare}."),
    "period_over_register_changed": (W, "Obs: Perioden {period} är avslutad ({sedan}), och "
                                        "registret {fil} har ändrats "
                                        "sedan periodens sammanställning skrevs. Registret som "
                                        "den skrevs med (kontrollsumma {kontrollsumma}) finns "
                                        "inte i arkivet, eftersom en tidigare version av "
                                        "Målsystem inte sparade registren. Därför skrivs "
                                        "{utdata} för {period} nu om mot det ändrade registret "
                                        "({ändringar}), och de kan skilja sig från det de "
                                        "förtroendevalda redan har fått. Har du kvar en kopia "
                                        "av registret som "
                                        "det var: kör pipeline run --register <kopian> --period "
                                        "{period}, så skrivs perioden om mot den, och arkivet "
                                        "sparar den till nästa gång."),
    # The register the period was written with is in the archive, but today's checks of a
    # register refuse it (kept by an earlier version, whose checks let it through).
    "period_over_register_refused": (W, "Obs: Perioden {period} är avslutad ({sedan}), och "
                                        "registret {fil} har ändrats sedan periodens "
                                        "sammanställning skrevs. Registret som den skrevs med "
                                        "finns kvar i arkivet ({arkiverat}), men klarar inte "
                                        "längre kontrollerna av ett register i den här versionen "
                                        "av Målsystem. Därför skrivs {utdata} för {period} nu om "
                                        "mot det ändrade registret ({ändringar}), och de kan "
                                        "skilja sig från det de förtroendevalda redan har fått. "
                                        "Ska perioden skrivas med registret som det var: rätta "
                                        "felen i en kopia av det arkiverade registret och kör "
                                        "pipeline run --register <kopian> --period {period}; "
                                        "arkivet sparar då kopian som periodens register. {fel}"),
    "period_register_refused_given": (W, "Perioden {period} läses mot {fil}, som angavs med "
                                         "--register, och inte mot registret som periodens "
                                         "sammanställning skrevs med ({arkiverat}): det klarar "
                                         "inte längre kontrollerna av ett register i den här "
                                         "versionen av Målsystem.{sparas} {fel}"),
    "templates_register_refused": (W, "Perioden {period} är avslutad ({sedan}). Registret som "
                                      "periodens sammanställning skrevs med finns kvar i arkivet "
                                      "({arkiverat}), men klarar inte längre kontrollerna av ett "
                                      "register i den här versionen av Målsystem, så mallarna "
                                      "är gjorda från {fil}. Ska filerna för {period} bedömas "
                                      "mot registret som det var: rätta felen i en kopia av det "
                                      "arkiverade registret och kör pipeline run --register "
                                      "<kopian> --period {period}, så sparar arkivet kopian som "
                                      "periodens register; kör sedan pipeline templates --period "
                                      "{period} igen. {fel}"),
    "period_of_another_year": (W, "Perioden {period} finns inte i registret {fil}, som gäller "
                                  "{år}. Den läses därför mot registret som perioden skrevs med, "
                                  "som arkivet har kvar ({arkiverat})."),
    # The same, as `pipeline templates` tells it: which register the templates were made from.
    "templates_register_kept": (W, "Mallarna för {period} är gjorda från registret som "
                                   "periodens sammanställning skrevs med, som arkivet har kvar "
                                   "({arkiverat}), och inte från {fil}: perioden är avslutad "
                                   "({sedan}), och {fil} har ändrats sedan dess ({ändringar}). "
                                   "Det är mot det arkiverade registret som filerna för "
                                   "{period} bedöms."),
    "templates_register_given": (W, "Mallarna för {period} är gjorda från {fil}, som angavs med "
                                    "--register. Men perioden är avslutad ({sedan}), och filerna "
                                    "för {period} bedöms mot registret som periodens "
                                    "sammanställning skrevs med, som arkivet har kvar "
                                    "({arkiverat}); {fil} skiljer sig från det ({ändringar}). Ska "
                                    "mallarna stämma med det som filerna bedöms mot: kör "
                                    "pipeline templates utan --register."),
    "templates_register_not_kept": (W, "Perioden {period} är avslutad ({sedan}), och registret "
                                       "{fil} har ändrats sedan periodens sammanställning "
                                       "skrevs. Registret som den skrevs med (kontrollsumma "
                                       "{kontrollsumma}) finns inte i arkivet, eftersom en "
                                       "tidigare version av Målsystem inte sparade registren. "
                                       "Mallarna är därför gjorda från {fil} som det är nu, och "
                                       "filerna för {period} bedöms mot det. Har du kvar en "
                                       "kopia av registret som det var: kör pipeline templates "
                                       "--register <kopian> --period {period}, så görs mallarna "
                                       "från den, och arkivet sparar den, så att filerna för "
                                       "{period} bedöms mot den."),
    "templates_register_of_another_year": (W, "Perioden {period} finns inte i registret {fil}, "
                                              "som gäller {år}. Mallarna är därför gjorda från "
                                              "registret som perioden skrevs med, som arkivet "
                                              "har kvar ({arkiverat}), och det är mot det "
                                              "arkiverade registret som filerna för {period} "
                                              "bedöms."),
    "period_register_changed_after_deadline": (W, "Obs: Registret {fil} har ändrats sedan "
                                                  "sammanställningen för {period} skrevs "
                                                  "({ändringar}), och sista inlämningsdag för "
                                                  "{period} var {deadline}. Nu skrivs {utdata} "
                                                  "för {period} om mot det ändrade "
                                                  "registret. Är ändringen till för {nästa}: "
                                                  "skriv först om {period} mot registret som "
                                                  "det var ({igen}), och ändra sedan period i "
                                                  'pipeline.toml till "{nästa}".'),
    "templates_year_passed": (W, "Sista inlämningsdag för {period}, årets sista period i "
                                 "registret {fil}, var {deadline}. Är det mallarna för nästa år "
                                 "du vill göra: gör nästa års register (se avsnittet "
                                 '"A new year" i README), låt register och period i '
                                 "pipeline.toml peka på det och dess första period, och kör "
                                 "pipeline templates igen."),
    "register_bad_period": (E, 'Perioden "{värde}" har fel format. Skriv den som ÅÅÅÅ-T1, ÅÅÅÅ-T2 '
                               "eller ÅÅÅÅ-T3, t.ex. 2024-T2."),
    "register_setting_missing": (E, 'Nyckeln "{nyckel}" saknas på fliken "Inställningar". Lägg till '
                                    "en rad med nyckeln och dess värde."),
    "register_bad_setting": (E, '"{värde}" är inte ett giltigt värde för {nyckel}. {hjälp}'),
    # The memo's own settings (Vision, Fokusområden): a remark, never an error, since they
    # are for the memo alone; the committee need not see them (register.CONTROLLER_ONLY)
    "register_setting_empty": (W, 'Nyckeln "{nyckel}" har inget värde, så tjänsteskrivelsen '
                                  "får {utan}. {hjälp}"),
    "register_focus_area_empty": (W, 'I {nyckel} står ett tomt namn mellan två semikolon '
                                     '("{värde}"). Tjänsteskrivelsen tar med fokusområdena som '
                                     "har ett namn: {namn}. Skriv in namnet som saknas, eller "
                                     "ta bort det extra semikolonet."),
    "register_focus_area_twice": (W, 'Fokusområdet "{namn}" står {gånger} gånger i {nyckel}. '
                                     "Tjänsteskrivelsen tar med det en gång. Ta bort det som "
                                     "står för mycket."),
    "register_bad_id": (E, '{kolumn} "{värde}" har fel format. {hjälp}'),
    # Register remarks: oddities of a real plan that do not stop the templates or the night
    # (the register's `remarks`). They say what the controller may want to do; nothing is
    # refused for them.
    "register_start_missing": (W, 'Aktiviteten "{värde}" saknar startdatum. Den kommer med i '
                                  "mallarna ändå. Skriv startdatum om det finns ett: utan det "
                                  'räknas "Ej påbörjad" in i förslaget till målbedömning även om '
                                  "aktiviteten ska börja först efter perioden."),
    "register_start_missing_many": (W, "{antal} av {alla} aktiviteter saknar startdatum (rad "
                                       "{rader}). De kommer med i mallarna ändå. Skriv "
                                       "startdatum där det finns ett: utan det räknas \"Ej "
                                       'påbörjad" in i förslaget till målbedömning även om '
                                       "aktiviteten ska börja först efter perioden."),
    "register_start_column_missing": (W, 'Fliken "Aktiviteter" har ingen kolumn "Startdatum", '
                                         "så ingen aktivitet har startdatum. Aktiviteterna "
                                         "kommer med i mallarna ändå. Vill ni ange när de "
                                         'börjar, lägg till rubriken "Startdatum" på rad 1.'),
    "register_end_missing": (W, 'Aktiviteten "{värde}" saknar slutdatum. Den kommer med i '
                                "mallarna ändå, men utan slutdatum kan den inte flaggas som "
                                "försenad. Skriv slutdatum om det finns ett."),
    "register_end_missing_many": (W, "{antal} av {alla} aktiviteter saknar slutdatum (rad "
                                     "{rader}). De kommer med i mallarna ändå, men utan "
                                     "slutdatum kan de inte flaggas som försenade. Skriv "
                                     "slutdatum där det finns ett."),
    "register_end_far_ahead": (W, 'Slutdatum {slut} för aktiviteten "{värde}" ligger mer än '
                                  "{gräns} år efter verksamhetsåret {år}. Kontrollera årtalet och "
                                  "rätta det om det är fel; stämmer det kan raden stå kvar."),
    "register_end_far_ahead_many": (W, "{antal} aktiviteter har ett slutdatum mer än {gräns} år "
                                       "efter verksamhetsåret {år} (rad {rader}). Kontrollera "
                                       "årtalen och rätta dem som är fel."),
    "register_ended_before_year": (W, 'Aktiviteten "{värde}" slutade {slut}, före '
                                      "verksamhetsåret {år}, men finns kvar i registret och i "
                                      "mallen för {ansvarig}. Ta bort raden om aktiviteten är "
                                      "avslutad, eller skriv det nya slutdatumet om den pågår."),
    "register_ended_before_year_many": (W, "{antal} aktiviteter slutade före verksamhetsåret "
                                           "{år} (rad {rader}) men finns kvar i registret och i "
                                           "mallarna. Ta bort de rader som är avslutade, eller "
                                           "skriv nya slutdatum för dem som pågår."),
    "register_goal_without_activity": (W, 'KS-målet {värde} har ingen aktivitet på fliken '
                                          '"Aktiviteter". Det kommer med i mallen för {ägare} '
                                          "att bedömas, men utan förslag till bedömning. Lägg "
                                          "till en aktivitet med KS-mål-id {värde} om målet ska "
                                          "följas upp med aktiviteter."),
    "register_goal_without_activity_many": (W, "{antal} KS-mål har ingen aktivitet på fliken "
                                               '"Aktiviteter" (rad {rader}). De kommer med i '
                                               "målägarnas mallar att bedömas, men utan förslag "
                                               "till bedömning. Lägg till aktiviteter för dem "
                                               "som ska följas upp med aktiviteter."),
    "register_department_without_activity": (W, "Avdelningen {kod} ({namn}) ansvarar inte för "
                                                "någon aktivitet{och_mål}. Dess mall får inga "
                                                "aktiviteter att rapportera, bara tomma rader för "
                                                "egna nya. Skriv {kod} i kolumnen Ansvarig på "
                                                'fliken "Aktiviteter" för de aktiviteter '
                                                "avdelningen ska följa upp."),
    "register_department_history_lost": (W, "Avdelningskoden {kod} finns inte längre i "
                                            "registret, men arkivet har godkända filer från "
                                            "{kod} för {perioder}. Föregående status och "
                                            "kommentar i mallen, och jämförelsen med föregående "
                                            "periods sjukfrånvaro, hämtas med avdelningskoden: "
                                            "har avdelningen fått en ny kod börjar dess historik "
                                            "om, och mallen får tomma Föregående-kolumner. "
                                            "Behåll koden {kod} och byt bara namnet i kolumnen "
                                            "Avdelning om det är samma avdelning, eller låt "
                                            "historiken börja om med den nya koden."),
    "register_code_windows_device": (W, "Avdelningskoden {kod} är ett av de namn som Windows "
                                        "reserverar (CON, PRN, AUX, NUL, COM1–COM9 och "
                                        "LPT1–LPT9, i alla skrivsätt): en mapp {kod} i "
                                        "inkorgen kan inte skapas i Windows, och en som har "
                                        "skapats på en annan dator går inte att öppna därifrån. "
                                        "Mallen och återkopplingen fungerar som vanligt. Be "
                                        "avdelningen lämna sin fil direkt i inkorgen, inte i en "
                                        "egen mapp, eller byt koden innan mallarna skickas ut, "
                                        "här och överallt där den står i registret."),
    "register_code_spaces": (W, 'I kolumnen "{kolumn}" står {vad} med mellanslag före eller '
                                "efter ({celler}). Vi har läst {dem} utan mellanslagen. Ta bort "
                                "mellanslagen, så att värdena stämmer också i era egna filter "
                                "och formler."),
    "register_period_end_months": (W, "Periodslut {slut} för {period} ligger inte i {namn}, "
                                      "som sammanställningen och rapporten kallar perioden. "
                                      "Kontrollera datumet; stämmer det kan raden stå kvar."),
    "register_period_year": (E, "Perioden {värde} hör inte till verksamhetsåret {år}. Ta bort "
                                "raden eller rätta året."),
    "register_unknown_period": (E, "Perioden {värde} finns inte på fliken Perioder. Välj en av: "
                                   "{lista}."),
    # --- the file as a whole ------------------------------------------------------------
    "file_is_folder": (E, "{fil} är en mapp, inte en fil. Ange filerna i den, t.ex. "
                          "{exempel}."),
    "file_missing": (E, "Filen {fil} finns inte eller går inte att öppna. Kontrollera namnet och "
                        "sökvägen och att du har behörighet att läsa filen."),
    "file_empty": (E, "Filen {fil} är tom (0 byte) och kunde inte läsas. Spara den på nytt i "
                      "Excel och lämna in den igen."),
    "file_not_spreadsheet": (E, "Filen {fil} är inte en Excel-fil, trots att namnet slutar på "
                                "{ändelse}. Fyll i mallen och spara med Arkiv > Spara som > "
                                "Excel-arbetsbok (*.xlsx)."),
    "file_not_excel": (E, "Filen {fil} är ingen Excel-arbetsbok, utan en annan sorts fil "
                          "({ändelse}). Lämna in den ifyllda mallen, sparad med Arkiv > Spara "
                          "som > Excel-arbetsbok (*.xlsx)."),
    "file_truncated": (E, "Filen {fil} har inte kopierats färdigt och går inte att läsa. Kopiera "
                          "den till inkorgen igen när den är helt sparad."),
    "file_corrupt": (E, "Filen {fil} är skadad ({orsak}). Öppna den i Excel (Excel erbjuder ofta "
                        "att reparera den), spara och lämna in igen."),
    "file_encrypted": (E, "Filen {fil} är lösenordsskyddad och kan inte läsas. Ta bort lösenordet "
                          "(Arkiv > Information > Skydda arbetsbok > Kryptera med lösenord – töm "
                          "rutan) och lämna in igen. Skicka aldrig lösenord till oss."),
    "file_legacy_xls": (E, "Filen {fil} är sparad i det äldre formatet .xls. Använd mallen och "
                           "spara som Excel-arbetsbok (*.xlsx)."),
    "file_extension_mismatch": (E, "Filen {fil} heter {ändelse} men är sparad i ett annat format "
                                   "(det äldre Excel-formatet .xls). Öppna den i Excel och välj "
                                   "Spara som > Excel-arbetsbok (*.xlsx)."),
    "file_wrong_format": (E, "Filen {fil} är sparad i ett format som vi inte tar emot ({format}). "
                             "Spara den som Excel-arbetsbok (*.xlsx) – i LibreOffice: Spara som > "
                             "Excel 2007-365 (.xlsx)."),
    "file_macros": (E, "Filen {fil} innehåller makron. Av säkerhetsskäl tar vi bara emot filer "
                       "utan makron. Spara som Excel-arbetsbok (*.xlsx) – makrona tas då bort – "
                       "och lämna in igen."),
    "file_too_large": (E, "Filen {fil} är mycket större än mallen tillåter ({storlek}, högst "
                          "{max}). Ta bort värden och formatering långt ner i bladen och lämna in "
                          "igen."),
    "file_packed_suspiciously": (E, "Filen {fil} innehåller en del som växer från {packad} till "
                                    "{storlek} när filen packas upp. Så hårt packar Excel aldrig, "
                                    "och filen kan därför av säkerhetsskäl inte läsas. {åtgärd}, "
                                    "spara och lämna in igen."),
    "file_unsafe_xml": (E, "Filen {fil} innehåller tekniskt innehåll som Excel inte skapar "
                           "({orsak}) och kan av säkerhetsskäl inte läsas. Kontakta "
                           "controllern innan du lämnar in igen."),
    "file_embedded_objects": (W, "Filen {fil} innehåller {antal} inbäddade objekt (till exempel "
                                 "ett inklistrat dokument eller en knapp). De har inte lästs in; "
                                 "bara cellerna i mallens flikar räknas. Skriv det som behövs i "
                                 "kolumnen Kommentar i stället."),
    "file_external_links": (W, "Filen {fil} hämtar värden från en annan fil{källa}. Vi har använt de "
                               "värden som var sparade i filen. Bryt länken (Data > Redigera "
                               "länkar > Bryt länk) så att siffrorna inte ändras i efterhand."),
    "file_not_template": (E, "Filen {fil} är inte gjord med rapportmallen (fliken _meta saknas "
                             "eller är ändrad). Hämta mallen från controllern, fyll i den och "
                             "lämna in igen."),
    "file_old_template": (E, "Filen {fil} bygger på en äldre version av mallen (version {v_fil}). "
                             "Hämta den aktuella mallen (version {v_ny}) från controllern och "
                             "för över uppgifterna till den."),
    "file_old_template_readable": (W, "Du använder mallversion {v_fil}. Det fungerar den här "
                                      "gången, men använd version {v_ny} nästa gång; hämta den "
                                      "från controllern."),
    # templates written by a later version of Målsystem than the one reading them
    "file_newer_template": (E, "Filen {fil} bygger på en nyare version av mallen (version "
                               "{v_fil}) än den som kan läsas här (version {v_ny}). Kontakta "
                               "controllern: mallen och Målsystem behöver vara av samma "
                               "version."),
    "file_unknown_department": (E, 'Filen anger avdelningskoden "{värde}" (_meta), som inte finns '
                                   "i registret. Använd mallen som skickades till er avdelning."),
    "file_wrong_period": (E, "Filen gäller {period_i_fil}, men nu samlar vi in uppgifter för "
                             "{period}, och insamlingen för {period_i_fil} är avslutad. Ska "
                             "filen ändå räknas för {period_i_fil}, kontakta controllern. "
                             "Rapporten för {period} lämnar ni i mallen för {period}, som ni "
                             "får av controllern."),
    "file_later_period": (E, "Filen gäller {period_i_fil}, men nu samlar vi in uppgifter för "
                             "{period}. En fil för {period_i_fil} får ligga kvar i inkorgen; den "
                             "läses in när insamlingen för {period_i_fil} har börjat."),
    "file_unknown_period": (E, 'Filen anger perioden "{värde}" (_meta), som inte finns i '
                               "registret. Använd mallen för {period}."),
    "file_wrong_folder": (E, 'I filen står avdelning "{avd_fil}" (_meta), men filen ligger i '
                             'inkorgen för "{avd_mapp}". Kontrollera att du använt rätt mall och '
                             "lagt filen i rätt mapp."),
    "file_register_changed": (W, "Mallen gjordes från en äldre version av registret. Uppgifterna "
                                 "har lästs mot det aktuella registret; hämta gärna en ny mall "
                                 "nästa gång."),
    # A file made from an older register: what the register's edit changed is told, not
    # refused; the department filled the template it was given (validate._activity_taken_away).
    "activity_moved_in_register": (W, "Registret har ändrats sedan mallen gjordes: ansvaret för "
                                      'aktiviteten "{värde}" ({cell}) ligger nu hos {ansvarig}, '
                                      "inte hos {avdelning}. Raden har inte lästs in; "
                                      "avdelningen behöver inte göra något."),
    "activity_left_register": (W, 'Aktiviteten "{värde}" ({cell}) finns inte i det aktuella '
                                  "registret, som har ändrats sedan mallen gjordes. Raden har "
                                  "inte lästs in; avdelningen behöver inte göra något."),
    "activity_added_to_register": (W, 'Aktiviteten "{värde}" ("{titel}") saknas i filen. '
                                      "Mallen gjordes från en äldre version av registret, som "
                                      "troligen inte hade aktiviteten för {avdelning}. Den står "
                                      'som "Ej rapporterad" i sammanställningen; en ny mall har '
                                      "med den."),
    "goal_moved_in_register": (W, 'Registret har ändrats sedan mallen gjordes: målet "{värde}" '
                                  "({cell}) ägs nu av {ägare}, inte av {avdelning}. Bedömningen "
                                  "har inte lästs in; avdelningen behöver inte göra något."),
    "goal_left_register": (W, 'Målet "{värde}" ({cell}) finns inte i det aktuella registret, som '
                              "har ändrats sedan mallen gjordes. Bedömningen har inte lästs in; "
                              "avdelningen behöver inte göra något."),
    "goal_added_to_register": (W, 'Målet "{värde}" saknas i filen. Mallen gjordes från en '
                                  "äldre version av registret, där {avdelning} troligen inte "
                                  "var målägare. Målet står utan bedömning i "
                                  "sammanställningen; en ny mall har med det."),
    "budget_category_left_register": (W, 'Kategorin "{värde}" ({cell}) har ingen budget för '
                                         "{avdelning} i det aktuella registret, som har ändrats "
                                         "sedan mallen gjordes. Raden har inte lästs in och dess "
                                         "belopp räknas inte med; avdelningen behöver inte göra "
                                         "något."),
    "budget_category_added_to_register": (W, 'Kategorin "{värde}" saknas i filen. Mallen '
                                             "gjordes från en äldre version av registret, som "
                                             "troligen inte hade någon budget i den för "
                                             "{avdelning}. Utfall och prognos saknas för den i "
                                             "sammanställningen; en ny mall har med den."),
    "file_duplicate": (W, "Filen {fil} är identisk med {tidigare}, som lämnades in {datum} "
                          "({utfall}). Inget nytt har lästs in."),
    "file_superseded_same_night": (INFO, "Vi fick två filer från {avdelning} för {period} "
                                         "samma natt ({fil1}, {fil2}). Den senast sparade "
                                         "({fil2}) gäller; den andra har sparats men inte "
                                         "använts."),
    "file_open_nights": (W, "Filen {fil} har varit öppen i Excel/LibreOffice varje gång vi "
                            "försökt läsa den ({nätter} nätter i rad). Stäng filen, så läser vi "
                            "in den nästa natt."),
    "file_replaces": (INFO, "Den här filen ersätter er tidigare inlämning för {period} från "
                            "{datum}. Det är den senaste filen som gäller."),
    # --- structure ----------------------------------------------------------------------
    "sheet_missing": (E, 'Fliken "{flik}" saknas. Filen innehåller flikarna {lista}. Byt inte namn '
                         "på flikarna i mallen."),
    "sheet_moved": (E, 'Fliken "{flik}" är tom, men vi hittade rubrikerna på fliken "{annan}". '
                       'Flytta uppgifterna till fliken "{flik}".'),
    "sheet_renamed": (E, 'Fliken "{flik}" saknas, men rubrikerna finns på fliken "{annan}". Byt '
                         'tillbaka namnet på fliken "{annan}" till "{flik}" (högerklicka på '
                         "fliken > Byt namn) och lämna in igen."),
    "sheet_extra": (W, 'Fliken "{flik}" ingår inte i mallen och har inte lästs in.'),
    "column_renamed": (W, 'Kolumnen "{rubrik}" på fliken "{flik}" har skrivits "{hittad}" (kolumn '
                          "{bokstav}{skillnad}). Vi har läst den ändå; ändra inte "
                          "kolumnrubrikerna i mallen."),
    "column_missing": (E, 'Kolumnen "{rubrik}" saknas på fliken "{flik}". Använd mallen utan att '
                          "ta bort eller byta namn på kolumner."),
    "column_renamed_unknown": (E, 'Kolumnen "{rubrik}" hittades inte på fliken "{flik}". I kolumn '
                                  '{bokstav} står "{hittad}". Skriv tillbaka rubriken "{rubrik}"; '
                                  "ändra inte kolumnrubrikerna i mallen."),
    "column_extra": (W, 'Kolumnen "{rubrik}" (kolumn {bokstav}) på fliken "{flik}" ingår inte i '
                        "mallen och har inte lästs in."),
    "column_duplicate": (E, 'Rubriken "{rubrik}" finns i både kolumn {b1} och {b2} på fliken '
                            '"{flik}". Ta bort den ena kolumnen.'),
    "merged_cells": (E, "Cellerna {område} är sammanfogade. Dela upp dem (Start > Sammanfoga och "
                        "centrera > Dela upp celler) och skriv värdet på varje rad."),
    "hidden_rows": (W, "{rader} men innehåller uppgifter, som har lästs in. Ta fram det dolda "
                       "(markera radnumren runt omkring, högerklicka > Ta fram; i LibreOffice > Visa "
                       "rader) och kontrollera "
                       "uppgifterna, eller ta bort det som inte ska vara med."),
    "hidden_columns": (W, "{kolumner} men innehåller uppgifter, och de har lästs in. Ta fram "
                          "{dem} (markera kolumnerna på båda sidor, högerklicka > Ta fram; i "
                          "LibreOffice > Visa kolumner) och ta bort uppgifterna om de inte ska "
                          "vara med."),
    "summary_row": (W, 'Rad {rad} på fliken {flik} ("{text}") ser ut att vara en summa- eller '
                       "kommentarsrad och har inte lästs in. Summor räknas fram automatiskt."),
    "comment_row": (W, 'Rad {rad} på fliken {flik} ("{text}") ser ut att vara en kommentar och '
                       "har inte lästs in som en rad i tabellen. {gör}"),
    "total_mismatch": (W, "Summan i {cell} ({angiven}) stämmer inte med summan av raderna "
                          "({beräknad}). I sammanställningen används {beräknad}."),
    "stray_value": (W, 'Det finns ett värde ("{värde}") i {cell}, utanför tabellen. Det har inte '
                       "lästs in. Ta bort det om det hamnat där av misstag."),
    "stray_value_below": (W, 'Det finns ett värde ("{värde}") i {cell}, långt under tabellen. Det '
                             "har inte lästs in. Ta bort det om det hamnat där av misstag, eller "
                             "skriv det på rätt rad i tabellen om det ska vara med."),
    "formula_uncalculated": (E, "{cell} innehåller en formel som inte har räknats ut. Öppna filen "
                                "i Excel, tryck F9 och spara igen."),
    "error_value": (E, "{cell} visar felet {fel} i stället för ett värde. Rätta formeln eller skriv "
                       "in värdet direkt."),
    "sheet_too_large": (E, 'Fliken "{flik}" har värden ända ut till {cell}, långt utanför mallen, '
                           "och filen blir för stor att läsa. Ta bort det som står där (markera "
                           "raderna eller kolumnerna utanför tabellen > Ta bort) och lämna in igen."),
    "sheet_empty": (E, 'Fliken "{flik}" har inga rader under rubrikraden, men mallen hade {antal} '
                       "rader där. Kopiera tillbaka raderna från mallen och fyll i dem."),
    "too_many_rows": (E, 'Fliken "{flik}" har {rader} rader, högst {max} får plats. Ta bort rader '
                         "som inte hör till rapporten."),
    # --- cells --------------------------------------------------------------------------
    "date_interpreted": (W, 'Vi har tolkat "{värde}" i {cell} som {iso}. Skriv gärna datum som '
                            "ÅÅÅÅ-MM-DD."),
    "date_serial": (W, "{cell} innehöll talet {värde}. Vi har tolkat det som datumet {iso}. "
                       "Formatera cellen som datum."),
    "date_no_day": (E, '"{värde}" i {cell} saknar dag. Skriv hela datumet, t.ex. {år}-03-01.'),
    "date_no_year": (E, '"{värde}" i {cell} saknar årtal. Skriv hela datumet som ÅÅÅÅ-MM-DD, '
                        "t.ex. {exempel}."),
    "date_two_digit_year": (E, 'Datumet "{värde}" i {cell} har tvåsiffrigt årtal och kan tolkas på '
                               "flera sätt. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2024-03-01."),
    "date_impossible": (E, 'Datumet "{värde}" i {cell} finns inte. Kontrollera dag och månad.'),
    "date_invalid": (E, '"{värde}" i {cell} är inte ett datum. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. '
                        "2024-03-31."),
    "date_out_of_range": (E, '{cell} innehåller talet {värde} i en cell som är formaterad som datum, '
                             "och inget datum ligger så långt bort (Excel visar ####). Skriv ett "
                             "datum som ÅÅÅÅ-MM-DD, t.ex. 2024-03-31."),
    "date_implausible": (E, "Datumet {iso} i {cell} är inte rimligt för verksamhetsåret {år}. "
                            "Kontrollera årtalet."),
    "number_ambiguous": (E, '"{värde}" i {cell} kan betyda både {tusen} och {decimal}. Skriv talet '
                            "utan punkt, t.ex. {exempel}."),
    "number_dot_decimal": (W, 'Vi har läst "{värde}" i {cell} som {tal}. Använd decimalkomma, '
                              "t.ex. {exempel}."),
    "number_unit_removed": (W, 'Vi har läst "{värde}" i {cell} som {tal}. Skriv bara siffror i '
                               "kolumnen {kolumn}."),
    "number_percent": (E, '{cell} innehåller "{värde}", men {kolumn} ska vara ett tal, inte en '
                          "andel i procent. Skriv talet utan procenttecken, t.ex. 120."),
    "hours_percent": (E, '{cell} innehåller "{värde}", men {kolumn} är antal timmar, inte en '
                         "andel i procent. Skriv antal timmar från årets början till periodens "
                         "slut, inte procent, t.ex. 1 250."),
    "number_invalid": (E, '"{värde}" i {cell} är inte ett tal. Skriv bara siffror, t.ex. 10.'),
    "number_not_whole": (E, "Antal anställda i {cell} är {värde}. Skriv ett heltal, t.ex. 12."),
    "hours_negative": (E, "Antal timmar i {cell} är negativt ({värde}). Ange 0 eller fler timmar."),
    "count_negative": (E, "{kolumn} i {cell} är negativt ({värde}). Ange 0 eller fler."),
    "hours_high": (W, "Antal timmar i {cell} är ovanligt högt ({värde}) för {anställda} anställda. "
                      "Kontrollera att det stämmer."),
    "choice_normalised": (W, 'Vi har läst "{värde}" i {cell} som "{kanonisk}".'),
    "choice_invalid": (E, '"{värde}" i {cell} är inte ett giltigt val för {kolumn}. Välj ett av: '
                          "{lista}.{förslag}"),
    "required_empty": (E, "{cell} ({kolumn}) är tom men måste fyllas i."),
    "placeholder": (E, '{cell} innehåller "{värde}", som inte räknas som ett svar. Fyll i {kolumn}, '
                       "eller kontakta controllern om uppgiften saknas."),
    "end_before_start": (E, "Slutdatum {slut} ({cell_slut}) är före startdatum {start} "
                            "({cell_start}). Kontrollera datumen."),
    "text_too_long": (E, "Texten i {cell} är {antal} tecken lång. Högst {max} tecken får plats. "
                         "Korta texten."),
    # A remark, never a refusal: the rest of the file is fine, and the outputs mask the
    # number. The number itself is not repeated, not even in part: this message is listed
    # on Datakvalitet, in the same public workbook as the text (a birth date beside a name
    # is personal data too).
    "personal_identity_number": (W, "Texten i {cell} ({kolumn}) innehåller {vad}. Det ni skriver "
                                    "i mallen delas med de förtroendevalda och kan publiceras, "
                                    "t.ex. på kommunens webbplats, och där får inga personnummer "
                                    "stå. I "
                                    "sammanställningen och tertialrapporten står därför "
                                    "{ersättning} i stället för {numret}, men filen sparas som "
                                    "ni lämnade in den. Ta bort {numret} ur texten och lämna in "
                                    "filen igen."),
    "internal_error": (E, "Filen {fil} kunde inte kontrolleras på grund av ett fel i Målsystem, "
                          "inte i filen. Controllern har fått felet i loggen; lämna gärna in "
                          "filen igen i morgon."),
    "schema_failed": (E, 'Fliken "{flik}" innehåller värden som inte kunde godkännas ({kontroll}). '
                         "Kontrollera fliken mot mallen och lämna in igen."),
    "locked_changed": (W, "{cell} ({kolumn}) har ändrats från \"{original}\" till \"{värde}\". "
                          "Kolumnen fylls i av controllern; vi har använt registrets värde."),
    "locked_differs_from_register": (W, '{cell} ({kolumn}) är "{värde}" i filen men '
                                        '"{original}" i registret, som har ändrats sedan mallen '
                                        "gjordes. Vi har använt registrets värde; avdelningen "
                                        "behöver inte göra något."),
    # --- across rows and sheets ---------------------------------------------------------
    "activity_unknown": (E, 'Aktivitets-id "{värde}" i {cell} finns inte i registret och inte '
                            "bland era tidigare egna aktiviteter. Skriv inte egna id:n; lämna "
                            "Aktivitets-id tom för en ny aktivitet."),
    "activity_not_yours": (E, 'Aktiviteten "{värde}" ({cell}) ansvarar {avdelning} inte för. Ta '
                              "bort raden eller kontakta controllern."),
    "activity_id_lookalike": (E, 'Aktivitets-id "{värde}" i {cell} liknar "{id}" men är inte samma '
                                 "tecken (t.ex. bokstaven O i stället för siffran 0, eller en "
                                 'kyrillisk bokstav). Skriv id:t exakt som i mallen: {id}.'),
    "activity_missing": (E, 'Aktiviteten "{värde}" ("{titel}") saknas på fliken Aktiviteter. '
                            "Lägg tillbaka raden från mallen och fyll i status."),
    "activity_duplicate": (E, 'Aktivitets-id "{värde}" finns på flera rader på fliken {flik} '
                              "(rad {rader}). Varje aktivitet ska bara finnas på en rad."),
    "value_duplicate": (E, '{kolumn} "{värde}" finns på flera rader på fliken {flik} (rad {rader}). '
                           "Ta bort den ena raden."),
    "row_duplicate": (E, "{vad} finns på flera rader på fliken {flik} (rad {rader}). Ta bort den "
                         "ena raden."),
    "rows_identical": (E, "Rad {r1} och rad {r2} på fliken {flik} är exakt lika. Ta bort den ena om det inte är två "
                          "olika aktiviteter."),
    "goal_unknown": (E, 'Mål-id "{värde}" i {cell} finns inte i målregistret för {år}. Giltiga mål '
                        "är {lista}."),
    "goal_not_yours": (E, 'Målet "{värde}" ({cell}) ägs av {ägare}, inte av {avdelning}. Ta bort '
                          "raden; målet bedöms av sin ägare."),
    "goal_missing": (E, 'Målet "{värde}" saknas på fliken Målbedömning. Lägg tillbaka raden från '
                        "mallen och fyll i bedömningen."),
    "analysis_missing": (W, "Målet {värde} ({cell}) saknar analys. Beskriv kort varför målet "
                            "bedöms som \"{bedömning}\"."),
    "own_activity_incomplete": (E, "Rad {rad} på fliken Aktiviteter är en ny egen aktivitet men "
                                   "saknar {kolumner}. Fyll i det som saknas, eller töm raden om "
                                   "aktiviteten inte ska vara med."),
    "status_contradicts_end": (W, "Aktiviteten {värde} ({cell}) är \"{status}\" men har "
                                  "slutdatum {slut}, efter periodens slut {periodslut}. Kontrollera "
                                  "status eller slutdatum."),
    "own_activity_left_register": (W, 'Den egna aktiviteten "{värde}" ({cell}) har inte lästs '
                                      "in: rapporten där den lades till stämmer inte längre mot "
                                      "registret, som har ändrats sedan mallen gjordes (t.ex. har "
                                      "dess KS-mål tagits bort). Avdelningen behöver inte göra "
                                      "något; controllern behöver se över registret, så att "
                                      "aktiviteten kommer med i uppföljningen."),
    "own_activity_missing": (E, 'Er egen aktivitet "{värde}"{titel} fanns i mallen men saknas '
                                "i filen. Lägg tillbaka raden (kopiera den från mallen). Ska "
                                'aktiviteten inte fortsätta, sätt status "Avbruten" och skriv '
                                "varför i Kommentar."),
    "deviation_unexplained": (W, 'Aktiviteten {värde} ({cell}) har status "{status}" men ingen '
                                 "kommentar. Skriv i Kommentar vad avvikelsen beror på och vad "
                                 "som görs; de förtroendevalda behöver en förklaring."),
    "started_before_year": (W, "Aktiviteten {värde} ({cell}) startade {start}, före "
                               "verksamhetsåret {år}."),
    "end_passed_not_finished": (W, "Aktiviteten {värde} ({cell}) skulle vara klar {slut} men har "
                                   "status \"{status}\". Välj \"Försenad\" eller den status "
                                   "som stämmer, och skriv i kommentaren när den blir klar."),
    "sick_rows_missing": (E, 'Raden för {kön}, {ålder} saknas på fliken Sjukfrånvaro. Lägg '
                             "tillbaka raden från mallen."),
    "sick_hours_like_percent": (W, "Sjukfrånvaron är sammanlagt {sjuk} timmar, {andel} % av den "
                                   "ordinarie arbetstiden ({ordinarie} timmar). Det ser ut som om "
                                   "sjukfrånvaron har skrivits i procent i stället för i timmar. "
                                   "Skriv antal timmar från årets början till periodens slut i "
                                   "kolumnen {kolumn}, eller låt det stå om siffrorna stämmer."),
    "sick_row_empty": (E, "Raden för {kön}, {ålder} ({område}) är tom. Fyll i alla fyra "
                          "kolumnerna; har gruppen inga anställda, skriv 0 i alla fyra (Antal "
                          "anställda, Ordinarie arbetstid, Sjukfrånvaro och Varav 60 dagar eller "
                          "mer)."),
    "employees_empty": (E, "{cell} ({kolumn}) är tom men måste fyllas i. Skriv 0 om gruppen inte "
                           "har några anställda."),
    "sick_exceeds_ordinary": (E, "Sjukfrånvaron i {cell} ({sjuk} timmar) är större än ordinarie "
                                 "arbetstid ({ordinarie} timmar, {cell_ordinarie}). Kontrollera "
                                 "timmarna."),
    "long_exceeds_sick": (E, "Långtidssjukfrånvaron i {cell} ({lång} timmar) är större än den "
                             "totala sjukfrånvaron ({sjuk} timmar, {cell_sjuk}). Kontrollera "
                             "timmarna."),
    "hours_without_employees": (E, "{cell} anger {timmar} timmar men antal anställda är 0 "
                                   "({cell_anställda}). Kontrollera uppgifterna."),
    "budget_category_missing": (E, 'Kategorin "{värde}" saknas på fliken Ekonomi. Lägg tillbaka '
                                   "raden från mallen."),
    "budget_category_unknown": (E, 'Kategorin "{värde}" i {cell} har ingen budget för {avdelning}. '
                                   "Ta bort raden eller kontakta controllern."),
    "budget_negative_mixed": (E, "I kolumnen {kolumn} är vissa belopp negativa ({celler}) och andra "
                                 "positiva. Ange alla kostnader som positiva belopp."),
    "budget_all_negative": (W, "Alla belopp i kolumnen {kolumn} på fliken {flik} är negativa. Vi har läst dem som "
                               "positiva nettokostnader; skriv kostnader utan minustecken."),
    "amount_wrong_unit": (E, '"{värde}" i {cell} är ett belopp i {typad}, men beloppen på fliken '
                             "Ekonomi ska anges i {enhet}, som budgeten. Skriv {omräknat} i "
                             "stället ({enhet}, utan enhet)."),
    "amount_unit_slip": (E, "{vad} för {kategori} ({cell}: {belopp} {enhet}) är {gånger} gånger "
                            "budgeten ({budget} {enhet}). Beloppet är troligen skrivet i fel "
                            "enhet: alla belopp ska anges i {enhet}, som budgeten ({omräkning}). "
                            "Räkna om beloppet till {enhet}."),
    "forecast_in_larger_unit": (W, "Prognosen för {kategori} ({cell}: {belopp} {enhet}) är "
                                   "ungefär en tusendel av budgeten ({budget} {enhet}). Beloppen "
                                   "ska anges i {enhet}. Är prognosen skriven i {större}, skriv "
                                   "{omräknat}. Stämmer beloppet, förklara avvikelsen i Kommentar."),
    "forecast_far_from_budget": (W, "Prognosen för {kategori} ({cell}: {prognos} {enhet}) avviker "
                                    "{procent} % från budgeten ({budget} {enhet}). Kommentera "
                                    "avvikelsen."),
    "outcome_far_above_budget": (W, "Utfallet för {kategori} ({cell}: {utfall} {enhet}) är mer än "
                                    "tre gånger budgeten ({budget} {enhet}). Kontrollera beloppen."),
    "budget_changed": (W, "Budgeten för {kategori} ({cell}) har ändrats till {värde}; registrets "
                          "budget är {budget} {enhet}. Vi har använt registrets budget."),
    "budget_differs_from_register": (W, "Budgeten för {kategori} ({cell}) är {värde} i filen "
                                        "men {budget} {enhet} i registret, som har ändrats sedan "
                                        "mallen gjordes. Vi har använt registrets budget; "
                                        "avdelningen behöver inte göra något."),
}


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    found: str | None = None
    column: str | None = None
    file: str | None = None
    department: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def place(self) -> str:
        if self.cell and self.sheet:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    @property
    def row(self) -> int | None:
        match = re.search(r"(\d+)$", self.cell or "")
        return int(match[1]) if match else None

    def describe(self) -> str:
        """Place and message in one line: 'Fliken "KS-mål", rad 4, kolumn "Målägare" (F4): …'."""
        parts = []
        if self.sheet:
            parts.append(f'Fliken "{self.sheet}"')
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f'kolumn "{self.column}"')
        place = ", ".join(parts)
        if self.cell:
            place += f" ({self.cell})"
        return f"{place}: {self.message}" if place else self.message


def make(code: str, *, sheet: str | None = None, cell: str | None = None,
         found: object = None, **params: object) -> Issue:
    severity, template = CATALOGUE[code]
    fill = dict(params)
    if cell is not None:
        fill.setdefault("cell", f"{sheet}!{cell}" if sheet else cell)
    if found is not None:
        fill.setdefault("värde", found)
    fill.setdefault("flik", sheet or "")
    message = template.format(**{k: _quote(_shown(v)) if k in QUOTED else
                                 _show(v) if k in FILE_NAMES else _shown(v)
                                 for k, v in fill.items()})
    column = params.get("kolumn") or params.get("rubrik")
    return Issue(code=code, severity=severity, message=message, sheet=sheet, cell=cell,
                 found=None if found is None else _shown(found),
                 column=None if column is None else str(column))


# A file's name is told as it is: the Fil column, the night's lines and the ledger show it so,
# and a name with a date and time in it ("Stab_20240801-0805.xlsx") may pass for a
# personnummer; masked, it would name a file no one can find.
FILE_NAMES = frozenset({"fil", "fil1", "fil2", "tidigare", "arkiverat", "igen", "kontrollsumma"})


def _shown(value: object) -> str:
    # A value quoted from a cell (a stray value, a comment row, a locked cell changed) never
    # repeats a personal identity number: messages are listed on the committee's Datakvalitet.
    return mask_identity_numbers(_show(value))


# What a cell held, quoted in a message, is cut to its beginning: a paragraph pasted into a
# number cell is recognised by its first words, and the message stays readable (a quote of
# thousands of characters would fill the Fel sheet's row, and Excel keeps at most 32 767).
QUOTED = ("värde", "hittad", "text")
QUOTE_MAX = 200


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX - 1].rstrip() + "…"


def _show(value: object) -> str:
    # A float is a figure found in a cell or computed from them, shown the Swedish way
    # (1 624,5); an int is a row, a year, an id or a count of rows and is shown as it is.
    # A call site that shows a computed whole number passes it as a float.
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def format_number(value: float, decimals: int | None = None, *, group: bool = True) -> str:
    """Swedish number text: space between thousands, decimal comma, no trailing zeros unless
    decimals is given (268 500 000; 1 624,5; −0,07). group=False: as a cell shows a number
    typed into it (1234,5), for a value quoted as found."""
    sep = "," if group else ""
    if decimals is None:
        text = f"{value:{sep}.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:{sep}.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace("-", "−")


SHEET_ORDER = {str(sheet): n for n, sheet in enumerate(TEMPLATE_SHEETS)}


# Files refused for what they may do to whoever opens them (BAD_INPUTS F10 macros, F12 DTDs
# and entities): their bytes are kept in the archive's quarantine and never opened again.
QUARANTINE = frozenset({"file_macros", "file_unsafe_xml"})
# Files no spreadsheet library may open, not even to mark up a feedback copy: the quarantined
# ones, and one far too large unpacked or packed far too hard (F11, a zip bomb), which
# openpyxl would unpack whole.
UNOPENED = QUARANTINE | {"file_too_large", "file_packed_suspiciously"}


@dataclass
class Report:
    """Everything found in one file: errors reject it, warnings travel with it."""

    file: str
    department: str | None = None
    period: str | None = None
    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(replace(issue, file=self.file, department=self.department))

    def extend(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self.add(issue)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def ordered(self) -> list[Issue]:
        """The order a department works through them: errors, then warnings; each with the
        file's own first, then by sheet in the template's order and by row."""
        return sorted(self.issues, key=lambda i: (
            not i.is_error, -1 if not i.sheet else SHEET_ORDER.get(i.sheet, len(SHEET_ORDER)),
            i.row or 0))

    @property
    def accepted(self) -> bool:
        return not self.errors

    @property
    def quarantine(self) -> str | None:
        """The code of the finding that puts the file in quarantine (QUARANTINE), if any."""
        return next((i.code for i in self.issues if i.code in QUARANTINE), None)

    @property
    def unopened(self) -> bool:
        """Whether no library may open the file, not even for the feedback copy (UNOPENED)."""
        return any(i.code in UNOPENED for i in self.issues)

    @property
    def verdict(self) -> Verdict:
        if self.errors:
            return Verdict.REJECTED
        return Verdict.ACCEPTED_WITH_WARNINGS if self.warnings else Verdict.ACCEPTED
